-- Editors retire taxonomy terms and assign residents' reports. Keep in step with
-- ../sqlite/20261202000007_beheer_portaal.sql.

-- A retired term is no longer offered in forms or public lists; items that have it keep it
-- until they are edited. NULL: in use. Text: when it was retired (UTC).
ALTER TABLE themes ADD COLUMN retired_at TEXT;
ALTER TABLE wijken ADD COLUMN retired_at TEXT;
ALTER TABLE talents ADD COLUMN retired_at TEXT;
ALTER TABLE languages ADD COLUMN retired_at TEXT;
ALTER TABLE accessibility_features ADD COLUMN retired_at TEXT;

-- The editor who takes care of a report (NULL: nobody yet). No foreign key: accounts are
-- disabled, never deleted, and the audit log names who assigned whom.
ALTER TABLE reports ADD COLUMN assigned_to BIGINT;
CREATE INDEX reports_assigned ON reports (assigned_to, status);

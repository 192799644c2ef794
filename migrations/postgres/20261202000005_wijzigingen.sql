-- The change feed (/api/v1/wijzigingen) reads the outbox. A vacancy that passes its end date
-- changes nothing in the database, so a sweeper records each (item, end date) once here and
-- appends the item to the outbox in the same transaction; the key makes that happen once
-- even with several nodes sweeping.
-- Keep in step with ../sqlite/20261202000005_wijzigingen.sql.
CREATE TABLE ended_vacancies (
    listing_id BIGINT NOT NULL,
    end_date   TEXT NOT NULL,
    PRIMARY KEY (listing_id, end_date)
);

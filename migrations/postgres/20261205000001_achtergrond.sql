-- Background work that must not read every item at scale (#14: at a million items the minute's
-- sweep for ended vacancies read the whole table, a second of database time every minute).
-- Only published items with an end date are in this index, and the sweep's query names the
-- same conditions, so it reads only the vacancies whose end date has passed.
-- Keep in step with ../sqlite/20261205000001_achtergrond.sql.
CREATE INDEX listings_published_end ON listings (end_date)
    WHERE status = 'gepubliceerd' AND end_date IS NOT NULL;

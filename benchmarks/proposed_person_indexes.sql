-- The person indexes proposed in docs/performance.md, for trying them on a benchmark
-- database only (the real change belongs in an assessments migration):
--   psql -h 127.0.0.1 -U postgres carehub_bench -v ON_ERROR_STOP=1 -f benchmarks/proposed_person_indexes.sql
-- Undo with benchmarks/proposed_person_indexes_undo.sql.
CREATE INDEX person_site_family_prefix
    ON assessments_person (site_id, upper(family_name::text) text_pattern_ops);
CREATE INDEX person_site_given_prefix
    ON assessments_person (site_id, upper(given_name::text) text_pattern_ops);
CREATE INDEX person_site_preferred_prefix
    ON assessments_person (site_id, upper(preferred_name::text) text_pattern_ops);
DROP INDEX person_site_postcode;
CREATE INDEX person_site_postcode
    ON assessments_person (site_id, postcode varchar_pattern_ops);
DROP INDEX person_site_worker;
CREATE INDEX person_site_worker
    ON assessments_person (site_id, allocated_worker_id, family_name, given_name, id);
VACUUM ANALYZE assessments_person;

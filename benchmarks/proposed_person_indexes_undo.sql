-- Back to the indexes of assessments/migrations (see proposed_person_indexes.sql).
DROP INDEX person_site_family_prefix;
DROP INDEX person_site_given_prefix;
DROP INDEX person_site_preferred_prefix;
DROP INDEX person_site_postcode;
CREATE INDEX person_site_postcode ON assessments_person (site_id, postcode);
DROP INDEX person_site_worker;
CREATE INDEX person_site_worker
    ON assessments_person (site_id, allocated_worker_id, family_name, given_name);
VACUUM ANALYZE assessments_person;

-- +goose Up
-- A procurement reference is unique within its lead commissioner whatever its case: "km-iucs-1"
-- and "KM-IUCS-1" name the same procurement to a person. Any pair that already differs only in
-- case keeps the older one as it is; the later one gets " (duplicate <id prefix>)" appended, so
-- the index can be built and nothing is lost (ids are time-ordered UUIDv7s).
UPDATE procurements SET reference = reference || ' (duplicate ' || substr(id, 1, 8) || ')'
WHERE EXISTS (SELECT 1 FROM procurements older
              WHERE older.lead_org_id = procurements.lead_org_id
                AND lower(older.reference) = lower(procurements.reference)
                AND older.id < procurements.id);
DROP INDEX procurements_reference;
CREATE UNIQUE INDEX procurements_reference ON procurements (lead_org_id, lower(reference));

-- +goose Down
DROP INDEX procurements_reference;
CREATE UNIQUE INDEX procurements_reference ON procurements (lead_org_id, reference);

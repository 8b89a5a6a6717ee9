-- +goose Up
-- The version of the roles and permissions in casbin_rule (owned by tenants, tenants/roles.go).
-- Every change of them writes a fresh random value here in the same transaction, so each serve
-- process can tell from the database alone whether the rules it holds are current. Redis only
-- carries the signal that makes them reload at once: a counter kept in Redis restarted at 0 with
-- it, and a role removed after a restart could stay honoured until an unrelated change.
CREATE TABLE authz_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL
);
INSERT INTO authz_version (id, version) VALUES (1, 'initial');

-- +goose Down
DROP TABLE authz_version;

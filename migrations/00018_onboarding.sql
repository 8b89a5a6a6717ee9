-- +goose Up
-- Onboarding (issue 13): an organisation's identifiers and status, self-registration of
-- providers, and invitations a platform admin can revoke.
--
-- Identifiers are '' when absent; each is unique among organisations that have one, so that
-- an ODS code, a Companies House number or a charity number names one organisation here.
ALTER TABLE organisations ADD COLUMN legal_form TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN companies_house_number TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN charity_number TEXT NOT NULL DEFAULT '';
-- Deactivated: its people cannot sign in; its data stays. Suspended: a self-registration the
-- platform admin holds as doubtful; its people cannot sign in either.
ALTER TABLE organisations ADD COLUMN deactivated_at TIMESTAMP;
ALTER TABLE organisations ADD COLUMN suspended_at TIMESTAMP;
ALTER TABLE organisations ADD COLUMN self_registered BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX organisations_ods_code ON organisations (ods_code) WHERE ods_code <> '';
CREATE UNIQUE INDEX organisations_companies_house ON organisations (companies_house_number) WHERE companies_house_number <> '';
CREATE UNIQUE INDEX organisations_charity ON organisations (charity_number) WHERE charity_number <> '';

ALTER TABLE invitations ADD COLUMN revoked_at TIMESTAMP;

-- A provider's registration waits here until its email is confirmed by the one-time link; only
-- then are the organisation and its first administrator made.
CREATE TABLE registrations (
    id                      TEXT PRIMARY KEY,
    token_hash              TEXT NOT NULL UNIQUE,
    org_name                TEXT NOT NULL,
    legal_form              TEXT NOT NULL,
    ods_code                TEXT NOT NULL DEFAULT '',
    companies_house_number  TEXT NOT NULL DEFAULT '',
    charity_number          TEXT NOT NULL DEFAULT '',
    email                   TEXT NOT NULL,
    name                    TEXT NOT NULL,
    ip                      TEXT NOT NULL DEFAULT '',
    created_at              TIMESTAMP NOT NULL,
    expires_at              TIMESTAMP NOT NULL,
    confirmed_at            TIMESTAMP,
    org_id                  TEXT REFERENCES organisations (id)
);
CREATE INDEX registrations_expires ON registrations (expires_at);

-- +goose Down
DROP TABLE registrations;
ALTER TABLE invitations DROP COLUMN revoked_at;
DROP INDEX organisations_charity;
DROP INDEX organisations_companies_house;
DROP INDEX organisations_ods_code;
ALTER TABLE organisations DROP COLUMN self_registered;
ALTER TABLE organisations DROP COLUMN suspended_at;
ALTER TABLE organisations DROP COLUMN deactivated_at;
ALTER TABLE organisations DROP COLUMN charity_number;
ALTER TABLE organisations DROP COLUMN companies_house_number;
ALTER TABLE organisations DROP COLUMN legal_form;

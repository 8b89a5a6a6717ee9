-- +goose Up
-- NHS reorganisations (issue 13, item 4): one or more organisations are succeeded by another
-- from a date, as Kent and Medway's eight CCGs were by NHS Kent and Medway CCG on 1 April 2020.
-- A succession is recorded ahead ('scheduled'), applied by the scheduler when its date comes
-- ('applied'), or cancelled before then ('cancelled'). Applied rows are the history that names
-- an organisation "NHS Medway CCG (now NHS Kent and Medway ICB)" and keeps its people from acting
-- for it; they are never deleted. users says what happens to the predecessors' people: they
-- move with their roles ('move') or are invited to the successor ('invite').
CREATE TABLE successions (
    id                TEXT PRIMARY KEY,
    successor_org_id  TEXT NOT NULL REFERENCES organisations (id),
    effective_at      TIMESTAMP NOT NULL,
    users             TEXT NOT NULL CHECK (users IN ('move', 'invite')),
    state             TEXT NOT NULL CHECK (state IN ('scheduled', 'applied', 'cancelled')),
    note              TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    applied_at        TIMESTAMP,
    cancelled_by      TEXT NOT NULL DEFAULT '',
    cancelled_at      TIMESTAMP
);
CREATE INDEX successions_due ON successions (state, effective_at);
CREATE INDEX successions_successor ON successions (successor_org_id);

CREATE TABLE succession_predecessors (
    succession_id  TEXT NOT NULL REFERENCES successions (id) ON DELETE CASCADE,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (succession_id, org_id)
);
CREATE INDEX succession_predecessors_org ON succession_predecessors (org_id);

-- +goose Down
DROP TABLE succession_predecessors;
DROP TABLE successions;

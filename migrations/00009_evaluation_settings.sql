-- +goose Up
-- What a lot's lead chooses about its evaluation (issue 5): the formula that turns its bids'
-- prices into price scores. A lot without a row is ranked by the default, "lowest" (lowest
-- compliant price ÷ bid price × price weight). The choice is fixed once a preferred bidder has
-- been recommended: the governing bodies decide on the ranking it gave.
CREATE TABLE lot_evaluation_settings (
    lot_id         TEXT PRIMARY KEY REFERENCES lots (id) ON DELETE CASCADE,
    price_formula  TEXT NOT NULL CHECK (price_formula IN ('lowest', 'relative')),
    set_by         TEXT NOT NULL,
    set_at         TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE lot_evaluation_settings;

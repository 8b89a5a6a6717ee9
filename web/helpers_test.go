package web

import (
	"bufio"
	"golive/apperr"
	"io"
	"log/slog"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReader(r) }

func errAs(err error) (*apperr.Error, bool) { return apperr.As(err) }

package web

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// What every feature's JSON API answers with beyond c.JSON: the same conventions in each
// package's api.go, so a client learns them once.

// Created answers 201 with the new resource's address.
func Created(c *fiber.Ctx, location string, body any) error {
	c.Location(location)
	return c.Status(fiber.StatusCreated).JSON(body)
}

// TimeOrNull is an instant as the API writes it: in UTC, or null for one that has not happened
// (nil, or the zero time a model holds before it does).
func TimeOrNull(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// OrEmpty is a list as the API writes it: [] when there is nothing, never null, so a client
// need not check for both.
func OrEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// JSONAppender is a body that writes its own JSON (see AppendJSONString): exactly the bytes
// c.JSON would write for it, without encoding/json's reflection.
type JSONAppender interface {
	AppendJSON(b []byte) []byte
}

// jsonBuffers are the buffers JSON writes bodies into, kept between requests.
var jsonBuffers = sync.Pool{New: func() any { return new([]byte) }}

// JSON answers as c.JSON(v) does (the same body and content type), with the body v writes
// itself: written into a buffer kept between requests, then copied into the response's own
// (which fasthttp keeps between requests too), so that a large body allocates nothing.
func JSON(c *fiber.Ctx, v JSONAppender) error {
	p := jsonBuffers.Get().(*[]byte)
	b := v.AppendJSON((*p)[:0])
	c.Response().SetBody(b)
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	if cap(b) <= 1<<20 { // a rare huge body is not kept
		*p = b
		jsonBuffers.Put(p)
	}
	return nil
}

// AppendJSONString appends s as encoding/json writes a string (c.JSON's encoder, with its
// escaping of <, > and &): the plain ASCII that ids, numbers and most names are made of as it
// is, anything else through encoding/json itself, so the bytes are always the same.
func AppendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// AppendJSONStrings appends a list of strings as encoding/json writes it: null for nil.
func AppendJSONStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, s)
	}
	return append(b, ']')
}

// EncodeJSON answers as c.JSON(v) does, with encoding/json itself, for a body that does not
// write its own: into one of JSON's buffers kept between requests, then copied into the
// response's own, rather than into the new copy json.Marshal returns for every body. An
// Encoder writes Marshal's bytes and a newline, which is left out.
func EncodeJSON(c *fiber.Ctx, v any) error {
	p := jsonBuffers.Get().(*[]byte)
	buf := bytes.NewBuffer((*p)[:0])
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		jsonBuffers.Put(p)
		return err
	}
	b := buf.Bytes()
	c.Response().SetBody(bytes.TrimSuffix(b, []byte{'\n'}))
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	if cap(b) <= 1<<20 { // a rare huge body is not kept
		*p = b
		jsonBuffers.Put(p)
	}
	return nil
}

package web

import (
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

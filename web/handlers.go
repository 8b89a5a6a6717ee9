package web

import (
	"context"

	"golive/tenants/access"

	"github.com/gofiber/fiber/v2"
)

// The sequences most JSON handlers are made of — decode and validate the body, one service call
// on the object a path parameter names, answer — written once, so that every feature answers an
// action the same way (204, or 201 at a location) and a handler says only which call it makes.
// A handler whose answer is shaped differently writes the sequence out itself.

// Act answers 204 to a service action on the object the path parameter param names: what it
// changed is read back with a GET.
func Act(c *fiber.Ctx, param string, do func(ctx context.Context, a *access.Actor, id string) error) error {
	if err := do(c.UserContext(), ActorFrom(c), c.Params(param)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ActWith is Act for an action that takes a JSON body: the service sees it only decoded and
// valid.
func ActWith[In any](c *fiber.Ctx, param string, do func(ctx context.Context, a *access.Actor, id string, in In) error) error {
	var in In
	if err := DecodeJSON(c, &in); err != nil {
		return err
	}
	return Act(c, param, func(ctx context.Context, a *access.Actor, id string) error { return do(ctx, a, id, in) })
}

// Add decodes a JSON body, has the service add it to the object the path parameter param
// names, and answers 201 with what was added as toJSON writes it, at location, where it is
// read back.
func Add[In, Out, J any](c *fiber.Ctx, location, param string, do func(ctx context.Context, a *access.Actor, id string, in In) (Out, error),
	toJSON func(Out) J) error {
	var in In
	if err := DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := do(c.UserContext(), ActorFrom(c), c.Params(param), in)
	if err != nil {
		return err
	}
	return Created(c, location, toJSON(v))
}

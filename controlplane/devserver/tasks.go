package devserver

import (
	"context"
	"errors"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
)

// executor runs a task in-process.
type executor func(ctx context.Context, inputs map[string]*controlplanev1.Literal) (map[string]*controlplanev1.Literal, error)

// executors are the task implementations the development server can run,
// by the name a task's executor field gives.
var executors = map[string]executor{
	"builtin/hello": func(_ context.Context, in map[string]*controlplanev1.Literal) (map[string]*controlplanev1.Literal, error) {
		return map[string]*controlplanev1.Literal{"greeting": str("Hello, " + in["name"].GetStringValue() + "!")}, nil
	},
	"builtin/add": func(_ context.Context, in map[string]*controlplanev1.Literal) (map[string]*controlplanev1.Literal, error) {
		a, b := in["a"].GetIntegerValue(), in["b"].GetIntegerValue()
		if (b > 0 && a > (1<<63-1)-b) || (b < 0 && a < (-1<<63)-b) {
			return nil, errors.New("integer overflow")
		}
		return map[string]*controlplanev1.Literal{"sum": integer(a + b)}, nil
	},
	"builtin/sleep": func(ctx context.Context, in map[string]*controlplanev1.Literal) (map[string]*controlplanev1.Literal, error) {
		d := time.Duration(in["seconds"].GetFloatValue() * float64(time.Second))
		if d < 0 || d > 30*time.Second {
			return nil, errors.New("seconds must be between 0 and 30")
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return map[string]*controlplanev1.Literal{"slept": {Value: &controlplanev1.Literal_FloatValue{FloatValue: d.Seconds()}}}, nil
		case <-ctx.Done():
			return nil, errors.New("cancelled")
		}
	},
	"builtin/fail": func(_ context.Context, in map[string]*controlplanev1.Literal) (map[string]*controlplanev1.Literal, error) {
		msg := in["message"].GetStringValue()
		if msg == "" {
			msg = "the task failed as asked"
		}
		return nil, errors.New(msg)
	},
}

func str(s string) *controlplanev1.Literal {
	return &controlplanev1.Literal{Value: &controlplanev1.Literal_StringValue{StringValue: s}}
}
func integer(i int64) *controlplanev1.Literal {
	return &controlplanev1.Literal{Value: &controlplanev1.Literal_IntegerValue{IntegerValue: i}}
}

func input(name string, t controlplanev1.InputType, required bool, desc string) *controlplanev1.InputSpec {
	return &controlplanev1.InputSpec{Name: name, Type: t, Required: required, Description: desc}
}

// builtinTasks are registered in org's demo project and domain at start.
func builtinTasks(org string) []*controlplanev1.Task {
	id := func(name string) *controlplanev1.TaskID {
		return &controlplanev1.TaskID{Org: org, Project: DemoProject, Domain: DemoDomain, Name: name, Version: "v1"}
	}
	return []*controlplanev1.Task{
		{Id: id("hello"), Executor: "builtin/hello", Description: "Greets someone.",
			Inputs: []*controlplanev1.InputSpec{input("name", controlplanev1.InputType_INPUT_TYPE_STRING, true, "who to greet")}},
		{Id: id("add"), Executor: "builtin/add", Description: "Adds two integers.",
			Inputs: []*controlplanev1.InputSpec{
				input("a", controlplanev1.InputType_INPUT_TYPE_INTEGER, true, "first addend"),
				input("b", controlplanev1.InputType_INPUT_TYPE_INTEGER, true, "second addend"),
			}},
		{Id: id("sleep"), Executor: "builtin/sleep", Description: "Sleeps, then succeeds.",
			Inputs: []*controlplanev1.InputSpec{input("seconds", controlplanev1.InputType_INPUT_TYPE_FLOAT, true, "0 to 30")}},
		{Id: id("fail"), Executor: "builtin/fail", Description: "Always fails.",
			Inputs: []*controlplanev1.InputSpec{input("message", controlplanev1.InputType_INPUT_TYPE_STRING, false, "the failure message")}},
	}
}

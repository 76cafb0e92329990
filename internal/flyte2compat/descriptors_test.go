package flyte2compat_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// Every package a library user may import: none may register a
	// flyteidl2 name.
	_ "github.com/passthrough-go/passthrough/conformance"
	_ "github.com/passthrough-go/passthrough/connectpassthrough"
	_ "github.com/passthrough-go/passthrough/controlplane"
	_ "github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	_ "github.com/passthrough-go/passthrough/core"
	_ "github.com/passthrough-go/passthrough/echo5passthrough"
	_ "github.com/passthrough-go/passthrough/echopassthrough"
	_ "github.com/passthrough-go/passthrough/extractors"
	_ "github.com/passthrough-go/passthrough/fiberpassthrough"
	_ "github.com/passthrough-go/passthrough/forward"
	_ "github.com/passthrough-go/passthrough/ginpassthrough"
	_ "github.com/passthrough-go/passthrough/grpcpassthrough"
	_ "github.com/passthrough-go/passthrough/httppassthrough"
	"github.com/passthrough-go/passthrough/internal/syncbuf"
)

// upstreamSet is Flyte 2's own descriptor set, as @flyteorg/flyteidl2
// publishes it, read once (descriptors.ts) for every test that needs it.
// The tests only read it.
func upstreamSet(t *testing.T) *descriptorpb.FileDescriptorSet {
	t.Helper()
	cmd := tsx(t, context.Background(), "descriptors.ts")
	upstream.Do(func() {
		var stderr syncbuf.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			upstream.err = fmt.Errorf("descriptors.ts: %v\n%s", err, &stderr)
			return
		}
		upstream.set = &descriptorpb.FileDescriptorSet{}
		upstream.err = proto.Unmarshal(out, upstream.set)
	})
	if upstream.err != nil {
		t.Fatal(upstream.err)
	}
	return upstream.set
}

var upstream struct {
	sync.Once
	set *descriptorpb.FileDescriptorSet
	err error
}

// libraryFlyte and libraryOurs are what the imported packages registered, read
// when the test binary starts, before any test runs.
var libraryFlyte, libraryOurs = func() (flyte, ours []string) {
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if strings.HasPrefix(fd.Path(), "flyteidl2/") || strings.HasPrefix(string(fd.Package()), "flyteidl2") {
			flyte = append(flyte, fmt.Sprintf("file %s (package %s)", fd.Path(), fd.Package()))
		}
		if fd.Package() == "passthrough.flyte2.v1" {
			ours = append(ours, fd.Path())
		}
		return true
	})
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		if strings.HasPrefix(string(mt.Descriptor().FullName()), "flyteidl2.") {
			flyte = append(flyte, "message "+string(mt.Descriptor().FullName()))
		}
		return true
	})
	return flyte, ours
}()

// TestNoFlyteidl2NameRegistered: the library registers its Flyte 2 messages
// under its own proto package, and no file or name of upstream's.
func TestNoFlyteidl2NameRegistered(t *testing.T) {
	t.Parallel()
	for _, f := range libraryFlyte {
		t.Errorf("%s is registered: a program that links the flyteidl2 Go module would conflict", f)
	}
	if len(libraryOurs) == 0 {
		t.Fatal("no passthrough.flyte2.v1 file is registered: the check above saw nothing to check")
	}
}

// TestLinksBesideUpstream registers upstream's own descriptors, as the real
// flyteidl2 Go module does when it is linked, in the registry the library
// has filled: no path or name may be registered twice.
func TestLinksBesideUpstream(t *testing.T) {
	t.Parallel()
	set := upstreamSet(t)
	files, err := protodesc.NewFiles(set)
	if err != nil {
		t.Fatal(err)
	}
	// A copy of the registry the library has filled, so that the test
	// can run again in one process and leaves the global one as it was.
	linked := new(protoregistry.Files)
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if err := linked.RegisterFile(fd); err != nil {
			t.Errorf("copying the library's %s: %v", fd.Path(), err)
		}
		return true
	})
	registered := 0
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(fd.Path(), "flyteidl2/") {
			return true // google/ and buf/ files: the Go module imports them, it does not register them again
		}
		if err := linked.RegisterFile(fd); err != nil {
			t.Errorf("registering upstream's %s beside the library: %v", fd.Path(), err)
		}
		registered++
		return true
	})
	if registered < 3 {
		t.Fatalf("registered %d upstream files, want the identity, task and run services and their imports", registered)
	}
}

// counterpart names, for each message and enum of flyte2v1, the upstream
// one whose wire format it shares.
var counterpart = map[string]string{
	"ProjectIdentifier": "flyteidl2.common.ProjectIdentifier", "RunIdentifier": "flyteidl2.common.RunIdentifier",
	"ActionIdentifier": "flyteidl2.common.ActionIdentifier", "Sort": "flyteidl2.common.Sort",
	"Sort.Direction": "flyteidl2.common.Sort.Direction", "Filter": "flyteidl2.common.Filter",
	"Filter.Function": "flyteidl2.common.Filter.Function", "ListRequest": "flyteidl2.common.ListRequest",
	"UserIdentifier": "flyteidl2.common.UserIdentifier", "UserSpec": "flyteidl2.common.UserSpec",
	"User": "flyteidl2.common.User", "ApplicationIdentifier": "flyteidl2.common.ApplicationIdentifier",
	"Application": "flyteidl2.common.Application", "EnrichedIdentity": "flyteidl2.common.EnrichedIdentity",
	"ActionPhase":     "flyteidl2.common.ActionPhase",
	"UserInfoRequest": "flyteidl2.auth.UserInfoRequest", "UserInfoResponse": "flyteidl2.auth.UserInfoResponse",
	"SimpleType": "flyteidl2.core.SimpleType", "LiteralType": "flyteidl2.core.LiteralType",
	"Variable": "flyteidl2.core.Variable", "VariableEntry": "flyteidl2.core.VariableEntry",
	"VariableMap": "flyteidl2.core.VariableMap", "TypedInterface": "flyteidl2.core.TypedInterface",
	"Primitive": "flyteidl2.core.Primitive", "Scalar": "flyteidl2.core.Scalar", "Literal": "flyteidl2.core.Literal",
	"Literal.MetadataEntry": "flyteidl2.core.Literal.MetadataEntry",
	"Parameter":             "flyteidl2.core.Parameter", "ResourceType": "flyteidl2.core.ResourceType",
	"Identifier": "flyteidl2.core.Identifier", "TaskTemplate": "flyteidl2.core.TaskTemplate",
	"KeyValuePair":   "flyteidl2.core.KeyValuePair",
	"TaskIdentifier": "flyteidl2.task.TaskIdentifier", "TaskMetadata": "flyteidl2.task.TaskMetadata",
	"Task": "flyteidl2.task.Task", "NamedParameter": "flyteidl2.task.NamedParameter", "TaskSpec": "flyteidl2.task.TaskSpec",
	"TaskDetails": "flyteidl2.task.TaskDetails", "NamedLiteral": "flyteidl2.task.NamedLiteral",
	"Inputs": "flyteidl2.task.Inputs", "Outputs": "flyteidl2.task.Outputs",
	"GetTaskDetailsRequest": "flyteidl2.task.GetTaskDetailsRequest", "GetTaskDetailsResponse": "flyteidl2.task.GetTaskDetailsResponse",
	"ListTasksRequest": "flyteidl2.task.ListTasksRequest", "ListTasksRequest.KnownFilter": "flyteidl2.task.ListTasksRequest.KnownFilter",
	"ListTasksResponse": "flyteidl2.task.ListTasksResponse", "ListTasksResponse.ListTasksMetadata": "flyteidl2.task.ListTasksResponse.ListTasksMetadata",
	"RunSource": "flyteidl2.workflow.RunSource", "CreateRunRequest": "flyteidl2.workflow.CreateRunRequest",
	"ActionStatus": "flyteidl2.workflow.ActionStatus", "ActionMetadata": "flyteidl2.workflow.ActionMetadata",
	"Action": "flyteidl2.workflow.Action", "Run": "flyteidl2.workflow.Run", "CreateRunResponse": "flyteidl2.workflow.CreateRunResponse",
	"ErrorInfo": "flyteidl2.workflow.ErrorInfo", "ErrorInfo.Kind": "flyteidl2.workflow.ErrorInfo.Kind",
	"AbortInfo": "flyteidl2.workflow.AbortInfo", "ActionDetails": "flyteidl2.workflow.ActionDetails",
	"RunDetails": "flyteidl2.workflow.RunDetails", "GetRunDetailsRequest": "flyteidl2.workflow.GetRunDetailsRequest",
	"GetRunDetailsResponse": "flyteidl2.workflow.GetRunDetailsResponse", "WatchRunDetailsRequest": "flyteidl2.workflow.WatchRunDetailsRequest",
	"WatchRunDetailsResponse": "flyteidl2.workflow.WatchRunDetailsResponse", "GetActionDataRequest": "flyteidl2.workflow.GetActionDataRequest",
	"GetActionDataResponse": "flyteidl2.workflow.GetActionDataResponse", "AbortRunRequest": "flyteidl2.workflow.AbortRunRequest",
	"AbortRunResponse": "flyteidl2.workflow.AbortRunResponse",
}

// TestSameWireFormatAsUpstream: every field of every flyte2v1 message has
// upstream's number, name, kind and cardinality, sits in the same oneof,
// and a message or enum field's type is the counterpart of upstream's.
// Opaque stands for any upstream message. Every enum value is upstream's.
func TestSameWireFormatAsUpstream(t *testing.T) {
	t.Parallel()
	files, err := protodesc.NewFiles(upstreamSet(t))
	if err != nil {
		t.Fatal(err)
	}
	const pkg = "passthrough.flyte2.v1."
	short := func(d protoreflect.Descriptor) string { return strings.TrimPrefix(string(d.FullName()), pkg) }
	fd := flyte2v1.File_passthrough_flyte2_v1_common_proto
	checked := map[string]bool{}
	checkEnum := func(e protoreflect.EnumDescriptor) {
		name := short(e)
		up, err := files.FindDescriptorByName(protoreflect.FullName(counterpart[name]))
		if err != nil {
			t.Errorf("enum %s: no upstream counterpart %q: %v", name, counterpart[name], err)
			return
		}
		ue := up.(protoreflect.EnumDescriptor)
		checked[name] = true
		for i := range e.Values().Len() {
			v := e.Values().Get(i)
			uv := ue.Values().ByNumber(v.Number())
			if uv == nil || uv.Name() != v.Name() {
				t.Errorf("enum %s value %s = %d: upstream %s has %v there", name, v.Name(), v.Number(), ue.FullName(), uv)
			}
		}
		if e.Values().Len() != ue.Values().Len() {
			t.Errorf("enum %s has %d values, upstream %d", name, e.Values().Len(), ue.Values().Len())
		}
	}
	var checkMessage func(m protoreflect.MessageDescriptor)
	checkMessage = func(m protoreflect.MessageDescriptor) {
		name := short(m)
		if name == "Opaque" {
			return
		}
		up, err := files.FindDescriptorByName(protoreflect.FullName(counterpart[name]))
		if err != nil {
			t.Errorf("message %s: no upstream counterpart %q: %v", name, counterpart[name], err)
			return
		}
		um := up.(protoreflect.MessageDescriptor)
		checked[name] = true
		for i := range m.Fields().Len() {
			f := m.Fields().Get(i)
			uf := um.Fields().ByNumber(f.Number())
			where := fmt.Sprintf("%s.%s = %d", name, f.Name(), f.Number())
			if uf == nil {
				t.Errorf("%s: upstream %s has no field %d", where, um.FullName(), f.Number())
				continue
			}
			if uf.Name() != f.Name() || uf.Kind() != f.Kind() || uf.Cardinality() != f.Cardinality() || uf.IsMap() != f.IsMap() {
				t.Errorf("%s: upstream is %s %v %v (map %v), ours %v %v (map %v)", where, uf.Name(), uf.Cardinality(), uf.Kind(), uf.IsMap(), f.Cardinality(), f.Kind(), f.IsMap())
			}
			if (uf.ContainingOneof() == nil) != (f.ContainingOneof() == nil) ||
				(f.ContainingOneof() != nil && uf.ContainingOneof().Name() != f.ContainingOneof().Name()) {
				t.Errorf("%s: not in the same oneof as upstream's", where)
			}
			switch {
			case f.Message() != nil && short(f.Message()) == "Opaque":
			case f.Message() != nil && f.Message().FullName().Parent() != "passthrough.flyte2.v1" && !strings.HasPrefix(string(f.Message().FullName()), pkg):
				if f.Message().FullName() != uf.Message().FullName() {
					t.Errorf("%s: type %s, upstream %s", where, f.Message().FullName(), uf.Message().FullName())
				}
			case f.Message() != nil:
				if got := counterpart[short(f.Message())]; got != string(uf.Message().FullName()) {
					t.Errorf("%s: type %s stands for %s, upstream's is %s", where, short(f.Message()), got, uf.Message().FullName())
				}
			case f.Enum() != nil:
				if got := counterpart[short(f.Enum())]; got != string(uf.Enum().FullName()) {
					t.Errorf("%s: enum %s stands for %s, upstream's is %s", where, short(f.Enum()), got, uf.Enum().FullName())
				}
			}
		}
		for i := range m.Enums().Len() {
			checkEnum(m.Enums().Get(i))
		}
		for i := range m.Messages().Len() {
			checkMessage(m.Messages().Get(i))
		}
	}
	// The files are listed first and read after: reading a descriptor may
	// look up its imports in the registry, which inside RangeFilesByPackage
	// would take the registry's read lock twice (a deadlock if a writer
	// waits in between).
	var ourFiles []protoreflect.FileDescriptor
	protoregistry.GlobalFiles.RangeFilesByPackage(fd.Package(), func(f protoreflect.FileDescriptor) bool {
		ourFiles = append(ourFiles, f)
		return true
	})
	for _, f := range ourFiles {
		for i := range f.Messages().Len() {
			checkMessage(f.Messages().Get(i))
		}
		for i := range f.Enums().Len() {
			checkEnum(f.Enums().Get(i))
		}
	}
	for name := range counterpart {
		if !checked[name] {
			t.Errorf("%s was not checked: the table names a message or enum flyte2v1 does not have", name)
		}
	}
}

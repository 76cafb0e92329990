package controlplane

// The Flyte 2 procedures this project calls and serves, by their upstream
// paths. The messages are this project's own (package [flyte2v1]), wire
// compatible with upstream's; the paths are what makes a call reach a real
// Flyte 2 or Union control plane.
const (
	// IdentityServiceName is Flyte 2's identity service.
	IdentityServiceName = "flyteidl2.auth.IdentityService"
	// TaskServiceName is Flyte 2's task service.
	TaskServiceName = "flyteidl2.task.TaskService"
	// RunServiceName is Flyte 2's run service.
	RunServiceName = "flyteidl2.workflow.RunService"

	// UserInfoProcedure answers who the call's credentials belong to.
	UserInfoProcedure = "/" + IdentityServiceName + "/UserInfo"
	// ListTasksProcedure lists tasks; [Client.LatestTask] uses it as the
	// Python SDK does.
	ListTasksProcedure = "/" + TaskServiceName + "/ListTasks"
	// GetTaskDetailsProcedure returns a task version's typed interface and
	// default inputs.
	GetTaskDetailsProcedure = "/" + TaskServiceName + "/GetTaskDetails"
	// CreateRunProcedure starts a run of a task version.
	CreateRunProcedure = "/" + RunServiceName + "/CreateRun"
	// GetRunDetailsProcedure returns a run's phase and error.
	GetRunDetailsProcedure = "/" + RunServiceName + "/GetRunDetails"
	// WatchRunDetailsProcedure streams a run's details as they change.
	WatchRunDetailsProcedure = "/" + RunServiceName + "/WatchRunDetails"
	// GetActionDataProcedure returns an action's inputs and outputs.
	GetActionDataProcedure = "/" + RunServiceName + "/GetActionData"
	// AbortRunProcedure aborts a run.
	AbortRunProcedure = "/" + RunServiceName + "/AbortRun"
)

// RootAction is the name of a run's root action, whose outputs are the
// run's outputs.
const RootAction = "a0"

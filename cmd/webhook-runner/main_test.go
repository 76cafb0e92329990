package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the real command, so that the tests
// below run main() exactly as `go run -C cmd/webhook-runner .` does.
func TestMain(m *testing.M) {
	if os.Getenv("WEBHOOK_RUNNER_AS_MAIN") == "1" {
		os.Args = append([]string{"webhook-runner"}, strings.Fields(os.Getenv("WEBHOOK_RUNNER_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The command starts with the embedded control plane, prints the demo
// keys once, serves the caller as the caller, and exits cleanly on SIGTERM.
func TestCommandWithEmbeddedControlPlane(t *testing.T) {
	t.Parallel()
	for _, args := range []string{"-framework gin", "-framework echo", "-framework echo5", "-framework fiber", "-framework fiber3", "-framework gin -protocol connect"} {
		t.Run(args, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "WEBHOOK_RUNNER_AS_MAIN=1",
				"WEBHOOK_RUNNER_ARGS=-listen 127.0.0.1:0 "+args, "FLYTE_ENDPOINT=")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })

			env := map[string]string{}
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				if name, rest, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
					env[name] = strings.Fields(rest)[0]
				}
				if _, ok := env["WEBHOOK"]; ok {
					break
				}
			}
			base, alice, bob := env["WEBHOOK"], env["ALICE_KEY"], env["BOB_KEY"]
			if base == "" || alice == "" || bob == "" {
				t.Fatalf("banner lacks WEBHOOK, ALICE_KEY or BOB_KEY: %v; stderr: %s", env, stderr.String())
			}
			go func() { _, _ = io.Copy(io.Discard, stdout) }()

			for _, tc := range []struct{ key, want string }{{alice, "alice"}, {bob, "bob"}} {
				req, _ := http.NewRequest("GET", base+"/me", nil)
				req.Header.Set("Authorization", "Bearer "+tc.key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var me map[string]string
				_ = json.NewDecoder(resp.Body).Decode(&me)
				resp.Body.Close()
				if resp.StatusCode != 200 || me["subject"] != tc.want {
					t.Fatalf("/me: %d %v, want subject %s", resp.StatusCode, me, tc.want)
				}
			}

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the command did not exit after SIGTERM")
			}
			logs := stderr.String()
			if !strings.Contains(logs, "embedded development control plane") {
				t.Errorf("the logs do not say the development control plane was started: %s", logs)
			}
			if strings.Contains(logs, alice) || strings.Contains(logs, bob) {
				t.Error("an API key reached the logs")
			}
		})
	}
}

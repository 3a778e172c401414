// chain138 patch for pulumi-language-nodejs built from sdk/v3 v3.68.0 (see toolchain/pulumi-cli/README.md).
//
// That host answers RunPlugin with "not supported", and a current CLI starts every policy pack whose
// PulumiPolicy.yaml says `runtime: nodejs` through RunPlugin of the nodejs language host, so
// `pulumi preview --policy-pack policy` failed. This RunPlugin starts the pack the way the CLI's
// own fallback does for hosts without RunPlugin: the pulumi-analyzer-policy launcher installed next
// to this binary, in the pack's directory, with the engine address and ".".
//
// The pack's directory travels in RunPluginRequest.info (field 5, ProgramInfo.program_directory,
// field 2), which v3.68's generated code does not know: it is read from the message's unknown fields.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	runPluginRequestInfoField   = 5 // RunPluginRequest.info (ProgramInfo)
	programInfoProgramDirectory = 2 // ProgramInfo.program_directory
)

// bytesField returns the first length-delimited field `num` of a serialised message, or nil.
func bytesField(message []byte, num protowire.Number) []byte {
	for len(message) > 0 {
		field, kind, n := protowire.ConsumeTag(message)
		if n < 0 {
			return nil
		}
		message = message[n:]
		if field == num && kind == protowire.BytesType {
			value, m := protowire.ConsumeBytes(message)
			if m < 0 {
				return nil
			}
			return value
		}
		m := protowire.ConsumeFieldValue(field, kind, message)
		if m < 0 {
			return nil
		}
		message = message[m:]
	}
	return nil
}

func (host *nodeLanguageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	info := bytesField(req.ProtoReflect().GetUnknown(), runPluginRequestInfoField)
	dir := string(bytesField(info, programInfoProgramDirectory))
	if dir == "" {
		return errors.New("RunPlugin: the request carries no program directory (a CLI that does not send RunPluginRequest.info)")
	}
	if _, err := os.Stat(filepath.Join(dir, "PulumiPolicy.yaml")); err != nil {
		return fmt.Errorf("RunPlugin: this language host runs Node.js policy packs only; %s has no PulumiPolicy.yaml", dir)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("RunPlugin: locating this host: %w", err)
	}
	launcher := filepath.Join(filepath.Dir(self), "pulumi-analyzer-policy")

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	cmd := exec.Command(launcher, append(append([]string{}, req.GetArgs()...), ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), req.GetEnv()...)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	exitCode := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			_ = closer.Close()
			return fmt.Errorf("RunPlugin: starting %s: %w", launcher, err)
		}
		exitCode = exit.ExitCode()
	}
	if err := closer.Close(); err != nil {
		return err
	}
	return server.Send(&pulumirpc.RunPluginResponse{
		Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitCode)},
	})
}

package io.lethe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar's own command line, as a script sees it: output and exit codes. */
class CommandLineIT {

    record Run(int code, String output) {
    }

    static Run lethe(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", "target/lethe.jar"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void help_lists_lethes_commands_settings_and_exit_codes() throws Exception {
        Run help = lethe("--help");
        assertThat(help.code()).isZero();
        assertThat(help.output()).contains("Usage: lethe", "serve", "demo", "keys", "audit", "LETHE_DB_URL",
                "LETHE_API_KEYS", "LETHE_AUDIT_KEY", "Exit codes").doesNotContain("camel.main");
        assertThat(lethe("keys", "--help").output()).contains("rotate", "hash", "new");
        assertThat(lethe("audit", "verify", "--help").output()).contains("--checkpoint");
    }

    @Test
    void version_is_the_maven_project_version() throws Exception {
        Run version = lethe("--version");
        assertThat(version.code()).isZero();
        assertThat(version.output().strip()).matches("lethe \\d+\\.\\d+\\.\\d+.*").doesNotContain("development");
    }

    @Test
    void usage_errors_exit_2_and_failed_work_exits_3() throws Exception {
        Run unknown = lethe("--bogus");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.output()).contains("Unknown option: '--bogus'");
        assertThat(lethe("version").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(lethe("audit", "verify").code()).isEqualTo(ExitCodes.USAGE);
        Path missing = Files.createTempDirectory("lethe-cli-").resolve("no-such-checkpoint.json");
        Run noFile = lethe("audit", "verify", "--checkpoint", missing.toString());
        assertThat(noFile.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noFile.output()).startsWith("lethe: ");
    }
}

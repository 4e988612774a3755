package com.pb.synth.tradecapture.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool (npm, node, promtool, the stack script) and keeps its exit code and output. */
public final class Commands {

    public record Result(int exit, String output) {
    }

    private Commands() {
    }

    public static Result run(Path dir, List<String> command, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, command + " did not finish in " + seconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The command on the PATH, else Debian's {@code packages} installed through the stack script (sudo when not root). */
    public static void require(String command, String... packages) throws IOException, InterruptedException {
        if (run(Path.of("."), List.of("sh", "-c", "command -v " + command), 10).exit() == 0) {
            return;
        }
        List<String> install = new java.util.ArrayList<>(List.of(Path.of("deploy/local/stack.sh").toAbsolutePath().toString(),
                "apt-install"));
        install.addAll(List.of(packages));
        Result apt = run(Path.of("."), install, 600);
        if (apt.exit() != 0) {
            throw new IllegalStateException("could not install " + String.join(" ", packages) + ":\n" + apt.output());
        }
    }
}

package io.lethe.cli;

import java.io.PrintWriter;

/** Runs the command line in-process with its output captured, as a script would see it. */
public final class LetheCommandAccess {

    private LetheCommandAccess() {
    }

    public static int execute(PrintWriter out, String... args) {
        return LetheCommand.commandLine().setOut(out).setErr(out).execute(args);
    }
}

package io.lethe.cli;

/** Exit codes a script can rely on; listed in {@code lethe --help} and the README. */
public final class ExitCodes {

    /** Done; for {@code audit verify}: the chain is intact and matches the checkpoint. */
    public static final int OK = 0;
    /** A verification failed: the chain is broken, truncated, or the checkpoint is not genuine. */
    public static final int VERIFICATION_FAILED = 1;
    /** The command line is wrong (unknown command or option, missing argument). */
    public static final int USAGE = 2;
    /** The command could not do its work: bad settings, unreadable file, database or hub unreachable. */
    public static final int FAILURE = 3;

    private ExitCodes() {
    }
}

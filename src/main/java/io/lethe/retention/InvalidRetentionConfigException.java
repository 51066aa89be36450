package io.lethe.retention;

import java.util.List;

/** config/retention.yaml cannot be used: the hub refuses to start, naming each field at fault. */
public final class InvalidRetentionConfigException extends RuntimeException {

    private final List<String> problems;

    public InvalidRetentionConfigException(String file, List<String> problems) {
        super(file + " is invalid (the hub does not start until it is fixed):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

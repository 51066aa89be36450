package io.lethe.connectors;

import java.util.List;

/** Start-up refuses: a connector descriptor or an enabled connector's settings are wrong. */
public class InvalidConnectorException extends RuntimeException {

    private final List<String> problems;

    public InvalidConnectorException(List<String> problems) {
        super("Connector configuration refused:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

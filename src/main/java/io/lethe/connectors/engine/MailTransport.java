package io.lethe.connectors.engine;

import java.util.List;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Target;
import io.lethe.connectors.TargetOutcome;

/**
 * The {@code mail} transport: a vendor without a privacy API gets each command as an e-mail from the operation's
 * template ({@code mail: vendor-erase}). Implemented by the mail edge (io.lethe.mail), so connectors never import it.
 */
public interface MailTransport {

    List<TargetOutcome> send(Connector connector, String action, String template, List<Target> targets);
}

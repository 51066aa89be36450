package io.lethe.connectors;

import java.util.List;

/**
 * A vendor whose calls are still made by Java rather than by the connector engine from its file: only Salesforce,
 * until its camel-salesforce transport runs through the engine (see connectors/salesforce.yaml).
 */
public interface VendorAdapter {

    List<TargetOutcome> optOut(Connector connector, List<Target> targets);

    List<TargetOutcome> erase(Connector connector, List<Target> targets);

    List<TargetOutcome> export(Connector connector, List<Target> targets);

    List<TargetOutcome> rectify(Connector connector, List<Target> targets);

    /** Reads the vendor's contacts page by page. */
    void pull(Connector connector, java.time.Instant since, java.util.function.Consumer<List<VendorContact>> page);
}

package io.lethe;

/**
 * Entry point of {@code java -jar lethe.jar}: the command line ({@link io.lethe.cli.LetheCommand}) decides what to
 * run; {@link #serve} starts the hub itself: camel-main reads {@code config/application.properties}, loads the flows
 * in {@code routes/*.camel.yaml} and the beans of the {@code io.lethe} configuration class.
 */
public final class Main {

    /** Listed first because camel-main lets the first location win. */
    public static final String PROPERTY_LOCATIONS = "file:config/application.properties";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(io.lethe.cli.LetheCommand.execute(args));
    }

    /** Runs the hub until it is stopped (SIGTERM, Ctrl-C); {@code demo} adds the vendor sandboxes. */
    public static int serve(boolean demo) throws Exception {
        // No package scanning: the one configuration class is named here, which also keeps start-up short.
        org.apache.camel.main.Main main = new org.apache.camel.main.Main();
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        main.configure().addConfiguration(io.lethe.config.HubConfiguration.class);
        if (demo) {
            io.lethe.demo.Demo.configure(main, System.out);
        }
        return main.run(new String[0]);
    }
}

package io.lethe;

/**
 * Starts the hub: camel-main reads {@code config/application.properties}, loads the flows in
 * {@code routes/*.camel.yaml} and the beans of the {@code io.lethe} configuration classes.
 */
public final class Main {

    /** Listed first because camel-main lets the first location win. */
    static final String PROPERTY_LOCATIONS = "file:config/application.properties";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // No package scanning: the one configuration class is named here, which also keeps start-up short.
        org.apache.camel.main.Main main = new org.apache.camel.main.Main();
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        main.configure().addConfiguration(io.lethe.config.HubConfiguration.class);
        if (args.length > 0 && args[0].equals("demo")) {
            io.lethe.demo.Demo.configure(main, System.out);
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        System.exit(main.run(args));
    }
}

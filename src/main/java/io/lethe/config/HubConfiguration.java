package io.lethe.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.api.AccessPolicy;
import io.lethe.api.AuditApi;
import io.lethe.api.ConnectorApi;
import io.lethe.api.ReconcileApi;
import io.lethe.api.RequestsApi;
import io.lethe.reconcile.ReconcileRuns;
import io.lethe.reconcile.ReconcileStarter;
import io.lethe.reconcile.Reconciler;
import io.lethe.connectors.vendors.EmailVendorAdapter;
import io.lethe.mail.MailIntake;
import io.lethe.mail.MailIntakeStarter;
import io.lethe.mail.DpoAlerts;
import io.lethe.mail.MailboxWatch;
import io.lethe.mail.ReplyReader;
import io.lethe.connectors.vendors.VendorMails;
import io.lethe.mail.Templates;
import io.lethe.mail.VendorReminders;
import io.lethe.requests.Deadlines;
import io.lethe.requests.RequestService;
import io.lethe.audit.SyncLog;
import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.DescriptorValidator;
import io.lethe.connectors.VendorHttp;
import io.lethe.connectors.vendors.HubSpotAdapter;
import io.lethe.connectors.vendors.MailchimpAdapter;
import io.lethe.connectors.vendors.SalesforceAdapter;
import io.lethe.dispatch.DispatchMetrics;
import io.lethe.dispatch.DispatchPolicy;
import io.lethe.dispatch.DispatchStarter;
import io.lethe.dispatch.Dispatcher;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.OutboxWriter;
import io.lethe.mail.Mailer;
import io.lethe.api.ApiFallback;
import io.lethe.api.ApiGuard;
import io.lethe.api.ApiKeys;
import io.lethe.api.ConsentApi;
import io.lethe.api.ConsentRequests;
import io.lethe.api.InitialAdminKey;
import io.lethe.api.Json;
import io.lethe.api.OpenApiDocument;
import io.lethe.api.Problems;
import io.lethe.api.Responses;
import io.lethe.api.SubjectApi;
import io.lethe.db.Database;
import io.lethe.db.RegisterHealthCheck;
import io.lethe.register.ConsentRegister;
import io.lethe.register.KeyRing;
import io.lethe.register.MasterKeySource;
import io.lethe.register.Purposes;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;

/**
 * Wires the hub's beans, in the order data flows: settings, register (database, keys), then the API that fronts it.
 * Routes in {@code routes/*.camel.yaml} refer to these beans by name.
 */
public class HubConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();
        Path dataDir = Path.of(settings.get("lethe.data-dir"));

        // Register
        HikariDataSource dataSource = Database.open(settings.get("lethe.db.url"), settings.get("lethe.db.user"),
                settings.optional("lethe.db.password"), settings.getInt("lethe.db.pool-size"));
        context.addService(new Database.Closer(dataSource));
        // Migrate while Camel loads the routes; no route starts before the schema is current.
        CompletableFuture<Void> migration = CompletableFuture.runAsync(() -> Database.migrate(dataSource));
        context.addStartupListener((ctx, alreadyStarted) -> migration.join());
        KeyRing keys = new KeyRing(MasterKeySource.load(settings.optional("lethe.encryption-key"), dataDir));
        Purposes purposes = new Purposes(settings.get("lethe.purposes"));
        registry.bind("registerDataSource", dataSource);
        registry.bind("registerHealthCheck", new RegisterHealthCheck(dataSource));

        // Connectors, outbox, dispatch, sync log
        VendorHttp http = new VendorHttp(context, clock);
        Mailer mailer = new Mailer(context, settings.optional("lethe.smtp.url"), settings.optional("lethe.mail.from"));
        Templates templates = new Templates(Path.of(settings.get("lethe.mail.templates")));
        VendorMails vendorMails = new VendorMails(dataSource, settings.optional("lethe.mail.from"), clock);
        EmailVendorAdapter emailVendors = new EmailVendorAdapter(mailer, templates, vendorMails);
        Connectors connectors = Connectors.load(Path.of(settings.get("lethe.connectors-dir")),
                settings.optional("lethe.connectors"), new DescriptorValidator(Set.of("hubspot", "mailchimp", "salesforce", "email"),
                        purposes.names()), settings::optional,
                Map.of("hubspot", new HubSpotAdapter(http), "mailchimp", new MailchimpAdapter(http),
                        "salesforce", new SalesforceAdapter(context), "email", emailVendors));
        for (Connector connector : connectors.enabled()) {
            if (connector.descriptor().adapter().equals("salesforce")) {
                SalesforceAdapter.registerComponent(context, connector);
            }
        }
        SyncLog syncLog = new SyncLog(dataSource, clock);
        Outbox outbox = new Outbox(dataSource, syncLog, clock, settings.get("lethe.node"));
        ConsentRegister register = new ConsentRegister(dataSource, keys, clock,
                List.of(new OutboxWriter(outbox, connectors)));
        DispatchPolicy dispatchPolicy = new DispatchPolicy(settings.millis("lethe.dispatch.window-ms"),
                settings.millis("lethe.dispatch.lease-ms"), settings.getInt("lethe.dispatch.in-place-retries"),
                settings.millis("lethe.dispatch.max-in-place-wait-ms"), settings.millis("lethe.dispatch.first-backoff-ms"),
                settings.millis("lethe.dispatch.max-backoff-ms"), settings.optional("lethe.dpo.email"));
        Dispatcher dispatcher = new Dispatcher(outbox, connectors, register, mailer, dispatchPolicy, clock);
        registry.bind("consentRegister", register);
        registry.bind("dispatcher", dispatcher);
        registry.bind("dispatchAttemptFailed", (Processor) dispatcher::onAttemptFailed);
        DispatchMetrics metrics = new DispatchMetrics(outbox, connectors, clock);
        dispatcher.setMetrics(metrics);
        context.addStartupListener(metrics);
        Deadlines deadlines = new Deadlines(ZoneId.of(settings.get("lethe.requests.zone")),
                Arrays.stream(settings.optional("lethe.requests.holidays").split(",")).map(String::strip)
                        .filter(d -> !d.isEmpty()).map(LocalDate::parse).collect(Collectors.toSet()));
        RequestService requestService = new RequestService(dataSource, register, outbox, connectors, deadlines, mailer,
                templates, settings.get("lethe.public-url"),
                settings.optional("lethe.dpo.email"), clock);
        outbox.addListener(requestService);
        requestService.setPurposes(purposes.names());
        requestService.setReminderLead(java.time.Duration.ofDays(settings.getInt("lethe.requests.remind-before-days")));
        dispatcher.setChanges(requestService::changesFor);
        MailIntakeStarter mailIntakeStarter = new MailIntakeStarter(settings.optional("lethe.imap.url"));
        MailboxWatch mailboxWatch = new MailboxWatch(clock, mailIntakeStarter.pollDelay());
        if (mailIntakeStarter.enabled()) { // the consumer's poll strategy, and the "mailbox" health check
            registry.bind("mailboxWatch", mailboxWatch);
        }
        registry.bind("mailIntake", new MailIntake(requestService, vendorMails, connectors,
                ReplyReader.load(Path.of(settings.get("lethe.mail.templates"))),
                new DpoAlerts(mailer, templates, settings.optional("lethe.dpo.email")), mailboxWatch,
                settings.get("lethe.mail.quarantine-folder"),
                List.of(settings.optional("lethe.mail.from"), settings.optional("lethe.dpo.email"))));
        registry.bind("vendorReminders", new VendorReminders(requestService, connectors, emailVendors,
                java.time.Duration.ofDays(settings.getInt("lethe.requests.vendor-reminder-days"))));
        context.addStartupListener(mailIntakeStarter);

        // Reconciliation
        ReconcileRuns reconcileRuns = new ReconcileRuns(dataSource, clock);
        registry.bind("reconcileRuns", reconcileRuns);
        registry.bind("reconciler", new Reconciler(reconcileRuns, connectors, register, outbox, requestService, mailer,
                settings.optional("lethe.dpo.email"), dataSource, clock));
        context.addStartupListener(new ReconcileStarter(reconcileRuns, connectors, settings::optional));
        context.addStartupListener(new DispatchStarter(connectors, outbox, settings.getInt("lethe.dispatch.poll-ms")));

        // API
        Json json = new Json();
        Responses responses = new Responses(json);
        OpenApiDocument openApi = OpenApiDocument.load();
        ApiKeys apiKeys = InitialAdminKey.configuredOrInitial(settings.optional("lethe.api-keys"), dataDir, System.out);
        AccessPolicy policy = AccessPolicy.fromOpenApi(openApi.tree(), settings.getInt("lethe.api.body-limit"));
        registry.bind("apiGuard", new ApiGuard(apiKeys, policy));
        registry.bind("problems", new Problems(json));
        registry.bind("apiFallback", new ApiFallback());
        registry.bind("openApi", openApi);
        registry.bind("consentApi", new ConsentApi(register, new ConsentRequests(purposes, clock), purposes, json, responses));
        registry.bind("subjectApi", new SubjectApi(register, json, responses));
        registry.bind("auditApi", new AuditApi(syncLog, responses));
        registry.bind("requestService", requestService);
        registry.bind("requestsApi", new RequestsApi(requestService, purposes, json, responses));
        registry.bind("reconcileApi", new ReconcileApi(connectors, reconcileRuns, context.createProducerTemplate(),
                responses));
        registry.bind("connectorApi", new ConnectorApi(connectors, outbox, register, responses));
    }
}

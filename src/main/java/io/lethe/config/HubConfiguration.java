package io.lethe.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Optional;
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
import io.lethe.mail.VendorLetters;
import io.lethe.mail.MailIntake;
import io.lethe.mail.MailIntakeStarter;
import io.lethe.mail.MailboxAlerts;
import io.lethe.mail.MailboxWatch;
import io.lethe.mail.ReplyReader;
import io.lethe.mail.VendorMails;
import io.lethe.notify.Templates;
import io.lethe.mail.VendorReminders;
import io.lethe.requests.Deadlines;
import io.lethe.requests.RequestService;
import io.lethe.audit.AuditChain;
import io.lethe.audit.AuditKey;
import io.lethe.audit.SyncLog;
import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.DescriptorValidator;
import io.lethe.connectors.engine.AnswerRules;
import io.lethe.connectors.engine.ConnectorEngine;
import io.lethe.connectors.engine.HttpTransport;
import io.lethe.connectors.engine.VendorCalls;
import io.lethe.dispatch.DispatchWakeup;
import io.lethe.connectors.transport.SalesforceTransport;
import io.lethe.dispatch.DispatchMetrics;
import io.lethe.dispatch.DispatchPolicy;
import io.lethe.dispatch.DispatchStarter;
import io.lethe.dispatch.Dispatcher;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.StalledCommands;
import io.lethe.dispatch.OutboxWriter;
import io.lethe.mail.Mailer;
import io.lethe.mail.MailConsumerLogging;
import io.lethe.mail.MailSender;
import io.lethe.notify.MailOutbox;
import io.lethe.api.MailOutboxApi;
import io.lethe.dispatch.DpoAlerts;
import io.lethe.dispatch.WebhookCallbacks;
import io.lethe.api.WebhookCallbackApi;
import io.lethe.dispatch.VendorJobs;
import io.lethe.dispatch.VendorQuotas;
import io.lethe.api.ApiFallback;
import io.lethe.api.ApiGuard;
import io.lethe.api.ApiKeyStore;
import io.lethe.api.edge.EdgeSettings;
import io.lethe.api.edge.HttpEdgeServer;
import io.lethe.api.ApiKeys;
import io.lethe.api.ApiKeysApi;
import io.lethe.api.ConsentApi;
import io.lethe.api.ConsentRequests;
import io.lethe.api.Idempotency;
import io.lethe.api.IdempotencyStore;
import io.lethe.api.InitialAdminKey;
import io.lethe.api.Json;
import io.lethe.api.OpenApiDocument;
import io.lethe.api.Problems;
import io.lethe.api.RateLimits;
import io.lethe.api.TrustedProxies;
import io.lethe.api.Responses;
import io.lethe.api.SubjectApi;
import io.lethe.db.Database;
import io.lethe.db.RegisterHealthCheck;
import io.lethe.register.ConsentRegister;
import io.lethe.register.LegacySourceSealer;
import io.lethe.register.KeyRing;
import io.lethe.register.KeyCheck;
import io.lethe.register.MasterKeys;
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
        KeyRing keys = masterKeys(settings, dataDir);
        context.addStartupListener((ctx, alreadyStarted) -> KeyCheck.verifyOrRecord(dataSource, keys));
        // After the migration's listener: seals the clear-text consent sources of rows from before V10_1, once.
        LegacySourceSealer legacySources = new LegacySourceSealer(dataSource, keys, clock);
        context.addStartupListener((ctx, alreadyStarted) -> legacySources.run());
        Purposes purposes = new Purposes(settings.get("lethe.purposes"));
        registry.bind("registerDataSource", dataSource);
        registry.bind("registerHealthCheck", new RegisterHealthCheck(dataSource));

        // Connectors, outbox, dispatch, sync log
        Mailer mailer = new Mailer(context, settings.optional("lethe.smtp.url"), settings.optional("lethe.mail.from"));
        Templates templates = new Templates(Path.of(settings.get("lethe.mail.templates")));
        MailConsumerLogging.install(context); // no mail content in camel-mail's warnings
        // Mail to people and the DPO goes through a durable queue (routes/mail-out.camel.yaml), sealed at rest.
        MailOutbox mailOutbox = new MailOutbox(dataSource, keys.derivedKey("mail-outbox"), mailer.messageIds(), clock,
                mailer.enabled());
        int mailAlertAfter = settings.getInt("lethe.mail.alert-after-attempts");
        registry.bind("mailSender", new MailSender(mailOutbox, mailer, templates, settings.optional("lethe.dpo.email"),
                new MailSender.Policy(settings.getInt("lethe.mail.batch"), settings.millis("lethe.mail.lease-ms"),
                        settings.millis("lethe.mail.first-backoff-ms"), settings.millis("lethe.mail.max-backoff-ms"),
                        mailAlertAfter), clock));
        VendorMails vendorMails = new VendorMails(dataSource, settings.optional("lethe.mail.from"), clock);
        VendorLetters emailVendors = new VendorLetters(mailer, templates, vendorMails);
        Connectors connectors = Connectors.load(Path.of(settings.get("lethe.connectors-dir")),
                settings.optional("lethe.connectors"), new DescriptorValidator(ConnectorHooks.names(), purposes.names()),
                settings::optional);
        for (Connector connector : connectors.enabled()) {
            if (connector.transport().equals("salesforce")) { // routes/connectors-salesforce.camel.yaml sends with it
                Map<String, String> session = new java.util.LinkedHashMap<>();
                connector.descriptor().client().auth().forEach((k, v) -> session.put(k, connector.resolve(v)));
                SalesforceTransport.register(context, connector.id(), session);
            }
        }
        AuditKey auditKey = AuditKey.load(settings.optional("lethe.audit.key"), dataDir);
        SyncLog syncLog = new SyncLog(dataSource, clock, auditKey);
        AuditChain auditChain = new AuditChain(dataSource, syncLog, auditKey, clock);
        String dpo = settings.optional("lethe.dpo.email");
        registry.bind("auditWatch", new io.lethe.audit.AuditWatch(auditChain, (subject, text) ->
                mailOutbox.enqueue("dpo-audit", MailOutbox.Recipient.DPO, null, new io.lethe.notify.OutgoingMail(dpo, subject, text))));
        Outbox outbox = new Outbox(dataSource, syncLog, clock, settings.get("lethe.node"));
        ConsentRegister register = new ConsentRegister(dataSource, keys, clock,
                List.of(new OutboxWriter(outbox, connectors), new io.lethe.events.ConsentEvents(clock)));
        DispatchPolicy dispatchPolicy = new DispatchPolicy(
                settings.millis("lethe.dispatch.lease-ms"), settings.getInt("lethe.dispatch.in-place-retries"),
                settings.millis("lethe.dispatch.max-in-place-wait-ms"), settings.millis("lethe.dispatch.first-backoff-ms"),
                settings.millis("lethe.dispatch.max-backoff-ms"), settings.optional("lethe.dpo.email"),
                settings.duration("lethe.dispatch.request-window"), settings.duration("lethe.dispatch.request-quiet"));
        VendorCalls vendorCalls = new VendorCalls(context, connectors, ConnectorHooks.signers(),
                new AnswerRules(clock), new VendorCalls.RetryPolicy(dispatchPolicy.inPlaceRetries(),
                        dispatchPolicy.maxInPlaceWait()));
        ConnectorEngine engine = new ConnectorEngine(vendorCalls, emailVendors, ConnectorHooks.hooks(),
                settings.optional("lethe.dpo.email"));
        registry.bind("vendorCalls", vendorCalls);
        registry.bind("vendorCallFailed", (Processor) vendorCalls::attemptFailed);
        registry.bind("httpTransport", new HttpTransport());
        registry.bind("connectorEngine", engine);
        registry.bind("connectors", connectors);
        Dispatcher dispatcher = new Dispatcher(outbox, connectors, register, engine, dispatchPolicy, clock);
        // Legal holds: one clock for placing, ending and checking them ("holdClock"; tests move it past an until)
        io.lethe.breach.AdjustableClock holdClock = new io.lethe.breach.AdjustableClock(clock);
        registry.bind("holdClock", holdClock);
        io.lethe.dispatch.SubjectHolds subjectHolds = new io.lethe.dispatch.SubjectHolds(dataSource, holdClock);
        dispatcher.setHolds(subjectHolds);
        outbox.setHolds(subjectHolds);
        vendorCalls.setAttemptListener(dispatcher);
        DispatchWakeup wakeup = new DispatchWakeup(context);
        registry.bind("dispatchWakeup", wakeup);
        outbox.setWakeup(wakeup::wake);
        registry.bind("dpoAlerts", new DpoAlerts(dataSource, mailOutbox, dispatchPolicy.dpoEmail(), clock));
        // Vendors' asynchronous jobs (routes/jobs.camel.yaml): polled with the engine's pollJob and the "job:" status
        // operation of the operation each command ran; quotas from that operation's "quota:" (connectors/README.md).
        VendorJobs.DpoMail dpoMail = VendorJobs.DpoMail.through(mailOutbox, dispatchPolicy.dpoEmail());
        VendorJobPolling jobPolling = new VendorJobPolling(engine, connectors, register);
        VendorJobs vendorJobs = new VendorJobs(dataSource, outbox, dpoMail, jobPolling, jobPolling,
                new VendorJobs.Settings(settings.duration("lethe.jobs.first-poll-after"),
                settings.duration("lethe.jobs.max-poll-interval"), settings.duration("lethe.jobs.max-age"),
                settings.getInt("lethe.jobs.poll-batch")), clock);
        outbox.setFinishHook(vendorJobs);
        registry.bind("vendorJobs", vendorJobs);
        // A quota counts per operation (Segment's two regulation categories are its two operations), its days and
        // months in the vendor's declared time zone (quota.timezone, UTC by default).
        dispatcher.setQuotas(new VendorQuotas(dataSource, dpoMail, clock), (connectorId, operation) -> connectors
                .enabled(connectorId).filter(c -> c.descriptor().declares(operation))
                .map(c -> c.descriptor().operation(operation).quota())
                .map(q -> new VendorQuotas.Quota(operation, q.ids(), q.per().equals("day") ? VendorQuotas.Per.DAY
                        : VendorQuotas.Per.MONTH, java.time.ZoneId.of(q.timezone()))));
        registry.bind("consentRegister", register);
        registry.bind("dispatcher", dispatcher);
        StalledCommands stalled = new StalledCommands(dataSource, connectors, mailOutbox, settings.optional("lethe.dpo.email"),
                settings.duration("lethe.dispatch.alert-after"), clock);
        registry.bind("stalledCommands", stalled);
        outbox.setCallbackTimeout(settings.duration("lethe.webhook.callback-timeout"));
        WebhookCallbacks webhookCallbacks = new WebhookCallbacks(dataSource, outbox, mailOutbox,
                settings.optional("lethe.dpo.email"), settings.getInt("lethe.webhook.callback-resends"),
                settings.duration("lethe.webhook.callback-retention"), clock);
        registry.bind("webhookCallbacks", webhookCallbacks);
        DispatchMetrics metrics = new DispatchMetrics(outbox, connectors, clock);
        dispatcher.setMetrics(metrics);
        context.addStartupListener(metrics);
        Deadlines deadlines = new Deadlines(ZoneId.of(settings.get("lethe.requests.zone")),
                Arrays.stream(settings.optional("lethe.requests.holidays").split(",")).map(String::strip)
                        .filter(d -> !d.isEmpty()).map(LocalDate::parse).collect(Collectors.toSet()));
        RequestService requestService = new RequestService(dataSource, register, outbox, connectors, deadlines, mailOutbox,
                templates, settings.get("lethe.public-url"),
                settings.optional("lethe.dpo.email"), clock);
        // Requests take their vendors' results after dispatch commits (routes/lifecycle.camel.yaml), not inside it.
        outbox.setResultSealer((c, command, data) -> register.sealFor(c, command.subjectId(), data,
                command.requestId() + "/" + command.connector()));
        org.apache.camel.ProducerTemplate lifecycleHandOff = context.createProducerTemplate();
        outbox.setAfterFinish(finished -> lifecycleHandOff.sendBody("seda:request-lifecycle", finished));
        registry.bind("requestLifecycle", requestService.lifecycle());
        mailOutbox.addListener(requestService.lifecycle());
        requestService.setPurposes(purposes.names());
        requestService.setKeys(keys);
        register.setReimportListener(new io.lethe.mail.ReimportAlert(mailOutbox, templates, settings.optional("lethe.dpo.email")));
        requestService.setReminderLead(java.time.Duration.ofDays(settings.getInt("lethe.requests.remind-before-days")));
        dispatcher.setRequestDetails(requestService::changesFor, requestService::regulationFor);
        MailIntakeStarter mailIntakeStarter = new MailIntakeStarter(settings.optional("lethe.imap.url"));
        MailboxWatch mailboxWatch = new MailboxWatch(clock, mailIntakeStarter.pollDelay());
        if (mailIntakeStarter.enabled()) { // the consumer's poll strategy, and the "mailbox" health check
            registry.bind("mailboxWatch", mailboxWatch);
        }
        registry.bind("mailIntake", new MailIntake(requestService, vendorMails, connectors,
                ReplyReader.load(Path.of(settings.get("lethe.mail.templates"))),
                new MailboxAlerts(mailOutbox, templates, settings.optional("lethe.dpo.email")), mailboxWatch,
                settings.get("lethe.mail.quarantine-folder"),
                List.of(settings.optional("lethe.mail.from"), settings.optional("lethe.dpo.email"))));
        registry.bind("vendorReminders", new VendorReminders(requestService, connectors, emailVendors,
                java.time.Duration.ofDays(settings.getInt("lethe.requests.vendor-reminder-days")), mailOutbox));
        context.addStartupListener(mailIntakeStarter);

        // Reconciliation
        ReconcileRuns reconcileRuns = new ReconcileRuns(dataSource, clock);
        registry.bind("reconcileRuns", reconcileRuns);
        registry.bind("reconciler", new Reconciler(reconcileRuns, connectors, engine, register, outbox, requestService, mailOutbox,
                settings.optional("lethe.dpo.email"), dataSource, clock));
        context.addStartupListener(new ReconcileStarter(reconcileRuns, connectors, settings::optional));
        context.addStartupListener(new DispatchStarter(connectors, outbox, wakeup, settings.getInt("lethe.dispatch.poll-ms")));

        // API
        Json json = new Json();
        Responses responses = new Responses(json);
        OpenApiDocument openApi = OpenApiDocument.load();
        ApiKeys apiKeys = InitialAdminKey.configuredOrInitial(settings.optional("lethe.api-keys"), dataDir, System.out)
                .withStore(new ApiKeyStore(dataSource), clock);
        AccessPolicy policy = AccessPolicy.fromOpenApi(openApi.tree(), settings.getInt("lethe.api.body-limit"));
        TrustedProxies trustedProxies = TrustedProxies.parse(settings.optional("lethe.trusted-proxies"));
        RateLimits rateLimits = new RateLimits(settings.getInt("lethe.api.rate-limit.failed-auth-per-minute"),
                Map.of("lookupSubject", settings.getInt("lethe.api.rate-limit.lookups-per-minute"),
                        "createRequest", settings.getInt("lethe.api.rate-limit.filings-per-minute"),
                        // each bundle verifies the whole sync log and signs a checkpoint: a loop must not wear it down
                        "getSubjectEvidence", settings.getInt("lethe.api.rate-limit.evidence-per-minute"),
                        "getRequestEvidence", settings.getInt("lethe.api.rate-limit.evidence-per-minute")),
                settings.getInt("lethe.api.rate-limit.max-tracked"), trustedProxies);
        registry.bind("apiGuard", new ApiGuard(apiKeys, policy, rateLimits));
        IdempotencyStore idempotencyStore = new IdempotencyStore(dataSource, keys.derivedKey("idempotency"),
                java.time.Duration.ofHours(settings.getInt("lethe.api.idempotency-retention-hours")),
                java.time.Duration.ofMinutes(2), clock);
        registry.bind("idempotencyStore", idempotencyStore);
        registry.bind("idempotency", new Idempotency(idempotencyStore));
        // The embedded server's Vert.x: timeouts, TLS, framing checks and the pre-body guard (see api/edge).
        HttpEdgeServer edge = new HttpEdgeServer(context, new EdgeSettings(settings.millis("lethe.http.idle-timeout-ms"),
                settings.millis("lethe.http.read-timeout-ms"), settings.getInt("lethe.api.body-limit"),
                EdgeSettings.Tls.of(settings.optional("lethe.tls.cert"), settings.optional("lethe.tls.key"),
                        settings.optional("lethe.tls.keystore"), settings.optional("lethe.tls.keystore-password"))),
                apiKeys, policy, rateLimits, json);
        context.addService(edge.closer());
        registry.bind("vertx", edge);
        Problems problems = new Problems(json);
        registry.bind("problems", problems);
        registry.bind("apiFallback", new ApiFallback());
        registry.bind("openApi", openApi);
        registry.bind("consentApi", new ConsentApi(register, new ConsentRequests(purposes, clock), purposes, json, responses));
        registry.bind("subjectApi", new SubjectApi(register, json, responses));
        registry.bind("subjectIdentitiesApi", new io.lethe.api.SubjectIdentitiesApi(
                new io.lethe.register.IdentityLinks(dataSource, keys, register, clock), json, responses));
        ApiKeysApi apiKeysApi = new ApiKeysApi(apiKeys, json, responses);
        apiKeysApi.setOnRevoked(idempotencyStore::forget);
        registry.bind("apiKeysApi", apiKeysApi);
        registry.bind("auditApi", new AuditApi(syncLog, auditChain, json, responses));
        registry.bind("requestService", requestService);
        // Who opened whose personal data (console file views, access-package downloads): io.lethe.review
        io.lethe.review.PersonalDataAccessLog accessLog = new io.lethe.review.PersonalDataAccessLog(dataSource, clock);
        registry.bind("requestsApi", new RequestsApi(requestService, purposes, json, responses, accessLog));
        registry.bind("reconcileApi", new ReconcileApi(connectors, reconcileRuns, context.createProducerTemplate(),
                responses));
        registry.bind("connectorApi", new ConnectorApi(connectors, outbox, stalled, register, responses));
        // Review read models (io.lethe.review) behind the console's subject, connectors, reports and access-log pages
        io.lethe.console.ReviewPages.Models review = new io.lethe.console.ReviewPages.Models(
                new io.lethe.review.SubjectFile(register, outbox, requestService, accessLog), accessLog,
                new io.lethe.review.ConnectorDescriptions(connectors, reconcileRuns), new io.lethe.review.DataMap(connectors),
                new io.lethe.review.RiskReport(dataSource, connectors, reconcileRuns, clock,
                        settings.getInt("lethe.consent.max-age-months"), settings.duration("lethe.dispatch.alert-after")),
                new io.lethe.review.BacklogHistory(dataSource, clock));
        registry.bind("personalDataAccessLog", accessLog);
        registry.bind("subjectFile", review.subjects());
        registry.bind("connectorDescriptions", review.connectors());
        registry.bind("dataMap", review.dataMap());
        registry.bind("riskReport", review.risks());
        registry.bind("backlogHistory", review.backlog());

        // Console (routes/console.camel.yaml): the same services as the API, behind its own sign-in.
        io.lethe.console.Console.bind(registry, new io.lethe.console.Console.Services(apiKeys, rateLimits,
                trustedProxies, settings.get("lethe.public-url"),
                java.time.Duration.ofMinutes(settings.getInt("lethe.console.idle-minutes")),
                java.time.Duration.ofHours(settings.getInt("lethe.console.max-hours")), clock, syncLog, auditChain,
                requestService, connectors, outbox, stalled, reconcileRuns, register, purposes, accessLog));
        io.lethe.console.ReviewPages.bind(registry, review, rateLimits);
        // Proof for a regulator (routes/evidence.camel.yaml): signed evidence bundles and consent receipts.
        io.lethe.evidence.SigningKeys signingKeys = new io.lethe.evidence.SigningKeys(auditKey);
        io.lethe.evidence.EvidenceBundles evidenceBundles = new io.lethe.evidence.EvidenceBundles(register,
                requestService, syncLog, auditChain, signingKeys, accessLog, clock);
        io.lethe.evidence.ConsentReceipts consentReceipts = new io.lethe.evidence.ConsentReceipts(dataSource, register,
                signingKeys, accessLog, settings.get("lethe.evidence.controller"), clock);
        registry.bind("evidenceApi", new io.lethe.api.EvidenceApi(evidenceBundles, consentReceipts, signingKeys,
                responses));
        registry.bind("consoleEvidence", new io.lethe.console.EvidencePage(evidenceBundles, consentReceipts, rateLimits));
        registry.bind("mailOutboxApi", new MailOutboxApi(mailOutbox, mailAlertAfter, responses));
        // Breach register (io.lethe.breach, routes/breach.camel.yaml): Art. 33 clock with DPO reminders, authority
        // report, affected subjects, Art. 34 notices in batches through the mail queue. Its clock is "breachClock".
        io.lethe.breach.AdjustableClock breachClock = new io.lethe.breach.AdjustableClock(clock);
        registry.bind("breachClock", breachClock);
        io.lethe.breach.BreachRegister breaches = new io.lethe.breach.BreachRegister(dataSource,
                keys.derivedKey("breach-register"), syncLog, breachClock);
        registry.bind("breachRegister", breaches); // BreachListener hooks: breaches.addListener(...)
        io.lethe.breach.BreachNotices breachNotices = new io.lethe.breach.BreachNotices(breaches, register::emails,
                mailOutbox, templates, settings.getInt("lethe.breach.notice-batch"));
        registry.bind("breachNotices", breachNotices);
        registry.bind("breachReminders", new io.lethe.breach.BreachReminders(breaches, mailOutbox, templates,
                settings.optional("lethe.dpo.email")));
        registry.bind("breachApi", new io.lethe.api.BreachApi(breaches, breachNotices, connectors, purposes, json,
                responses));
        registry.bind("consoleBreaches", new io.lethe.console.BreachesPage(breaches, breachNotices, connectors, purposes,
                new io.lethe.console.ConsoleView()));
        registry.bind("webhookCallbackApi", new WebhookCallbackApi(id -> webhookSecret(connectors, id), webhookCallbacks,
                rateLimits, json, responses, problems, clock));

        // Retention and legal holds (config/retention.yaml, routes/retention.camel.yaml; io.lethe.retention)
        io.lethe.requests.LegalHolds legalHolds = requestService.enableHolds(syncLog, holdClock);
        registry.bind("legalHolds", legalHolds); // routes/retention.camel.yaml: holds whose until passed
        io.lethe.retention.Retention retention = new io.lethe.retention.Retention(
                io.lethe.retention.RetentionPolicies.load(Path.of(settings.get("lethe.retention.file")),
                        connectors.known().stream().map(d -> d.id()).collect(Collectors.toSet())),
                dataSource, requestService, mailOutbox, templates, settings.optional("lethe.dpo.email"), clock);
        io.lethe.api.RetentionApi retentionApi = new io.lethe.api.RetentionApi(retention,
                context.createProducerTemplate(), responses);
        registry.bind("retention", retention);
        registry.bind("retentionApi", retentionApi);
        registry.bind("legalHoldApi", new io.lethe.api.LegalHoldApi(legalHolds, json, responses, clock));
        registry.bind("consoleRetention", new io.lethe.console.RetentionPage(retention, legalHolds, requestService,
                retentionApi, clock));
        registry.lookupByNameAndType("consoleRequest", io.lethe.console.RequestPage.class).setHolds(legalHolds);
        registry.lookupByNameAndType("consoleSubjects", io.lethe.console.SubjectPage.class).setHolds(legalHolds);
        // Events for other systems (routes/events.camel.yaml, README "Events and webhooks")
        events(settings, context, dataSource, keys, clock, connectors, outbox, stalled, register, mailOutbox, accessLog,
                json, responses);
        // breach.recorded, in the recording transaction: ids, times, connectors and purposes, never the description
        breaches.addListener((c, b) -> {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("breachId", b.id());
            data.put("awareAt", b.awareAt().toString());
            data.put("recordedAt", b.recordedAt().toString());
            data.put("connectors", b.connectors());
            data.put("purposes", b.purposes());
            io.lethe.events.Events.publish(c, io.lethe.events.Events.BREACH_RECORDED, null, data, b.recordedAt());
        });
    }

    /** The event log, its sequencer, webhook subscriptions and deliveries, the connector health watch. */
    private static void events(Settings settings, CamelContext context, HikariDataSource dataSource, KeyRing keys,
            Clock clock, Connectors connectors, Outbox outbox, StalledCommands stalled, ConsentRegister register,
            MailOutbox mailOutbox, io.lethe.review.PersonalDataAccessLog accessLog, Json json, Responses responses) {
        Registry registry = context.getRegistry();
        io.lethe.events.EventLog eventLog = new io.lethe.events.EventLog(dataSource);
        io.lethe.webhooks.Deliveries deliveries = new io.lethe.webhooks.Deliveries(dataSource, clock);
        eventLog.addListener(deliveries);
        io.lethe.webhooks.Subscriptions subscriptions = new io.lethe.webhooks.Subscriptions(dataSource,
                keys.derivedKey("webhook-secrets"), clock);
        io.lethe.webhooks.TargetGuard guard = new io.lethe.webhooks.TargetGuard(
                Boolean.parseBoolean(settings.optional("lethe.events.webhooks.allow-loopback").strip()));
        // Its own HTTP client, not the vendor transport: a total deadline per call, the answer body never read,
        // names resolved once and every address checked by the guard (pinned against DNS rebinding).
        java.time.Duration deadline = settings.millis("lethe.events.webhooks.deadline-ms");
        io.lethe.webhooks.WebhookHttp http = new io.lethe.webhooks.WebhookHttp(guard,
                org.apache.hc.client5.http.SystemDefaultDnsResolver.INSTANCE, new io.lethe.webhooks.WebhookHttp.Limits(
                        settings.millis("lethe.events.webhooks.connect-timeout-ms"),
                        settings.millis("lethe.events.webhooks.read-timeout-ms"), deadline,
                        settings.getInt("lethe.events.webhooks.batch")));
        io.lethe.webhooks.WebhookSender sender = new io.lethe.webhooks.WebhookSender(deliveries, subscriptions,
                dataSource, guard, http,
                register::identities,
                (subscription, subjectId) -> accessLog.record("webhook " + subscription.id().substring(0, 8),
                        "admin", subjectId, "Webhook delivery with identities to subscription " + subscription.id()
                                + " (created by " + subscription.createdBy() + ")"),
                mailOutbox, settings.optional("lethe.dpo.email"),
                new io.lethe.webhooks.WebhookSender.Policy(settings.getInt("lethe.events.webhooks.batch"),
                        settings.millis("lethe.events.webhooks.lease-ms"),
                        new io.lethe.webhooks.Backoff(settings.millis("lethe.events.webhooks.first-backoff-ms"),
                                settings.millis("lethe.events.webhooks.max-backoff-ms"),
                                settings.getInt("lethe.events.webhooks.max-attempts"),
                                settings.duration("lethe.events.webhooks.give-up-after")), deadline),
                clock);
        try {
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() throws Exception {
                    sender.close();
                    http.close();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("registering the webhook sender's shutdown", e);
        }
        registry.bind("eventLog", eventLog);
        registry.bind("webhookSender", sender);
        registry.bind("connectorHealthWatch", new io.lethe.webhooks.ConnectorHealthWatch(dataSource,
                io.lethe.webhooks.ConnectorHealthWatch.evaluation(connectors, outbox, stalled), clock));
        registry.bind("eventsApi", new io.lethe.api.EventsApi(eventLog, responses));
        registry.bind("webhooksApi", new io.lethe.api.WebhooksApi(subscriptions, deliveries, guard, json, responses));
        registry.bind("consoleWebhooks", new io.lethe.console.WebhooksPage(subscriptions, deliveries, guard,
                new io.lethe.console.ConsoleView()));
    }

    /**
     * The signing secret of an enabled webhook connector (one whose {@code client.auth.type} is
     * {@code standard-webhooks}): its resolved {@code auth.secret}, i.e. {@code LETHE_<ID>_SECRET}.
     */
    static Optional<String> webhookSecret(Connectors connectors, String id) {
        return connectors.enabled(id).map(c -> c.descriptor().client().auth())
                .filter(auth -> "standard-webhooks".equals(auth.get("type")))
                .map(auth -> connectors.enabled(id).orElseThrow().resolve(auth.get("secret")))
                .filter(s -> s != null && !s.isBlank());
    }

    /** The first read may generate the primary key (first start); re-reads during a rotation never do. */
    private static KeyRing masterKeys(Settings settings, Path dataDir) throws java.io.IOException {
        String primary = settings.optional("lethe.encryption-key");
        String previous = settings.optional("lethe.encryption-key-previous");
        String lookup = settings.optional("lethe.lookup-key");
        MasterKeys first = MasterKeys.load(primary, previous, lookup, dataDir);
        boolean[] started = {false};
        return new KeyRing(() -> {
            if (!started[0]) {
                started[0] = true;
                return first;
            }
            return MasterKeys.loadExisting(primary, previous, lookup, dataDir);
        });
    }
}

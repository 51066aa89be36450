package io.lethe.dispatch;

import java.nio.file.Path;
import java.util.Set;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.DescriptorValidator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A withdrawal at an analytics connector that erases on withdrawal (LETHE_AMPLITUDE_ERASE_ON_WITHDRAWAL) is never an
 * erasure while the subject is on legal hold: it does what a plain withdrawal does there (Amplitude: nothing, the
 * purpose is skipped with the reason); other connectors' opt-outs are unchanged, and an erase stays an erase (the
 * push skips those for held subjects, see Dispatcher.push).
 */
class WithdrawalOnHoldTest {

    static final Set<String> PURPOSES = Set.of("email_marketing", "sms_marketing", "analytics", "profiling",
            "third_party_sharing");

    @Test
    void an_opt_out_that_would_erase_is_not_an_erase_while_the_subject_is_held() {
        Connectors connectors = Connectors.load(Path.of("connectors"), "amplitude,hubspot",
                new DescriptorValidator(Set.of("salesforceIndividualFlags"), PURPOSES),
                key -> key.equals("lethe.amplitude.erase-on-withdrawal") ? "true" : "secret-value-for-tests");
        Connector amplitude = connectors.enabled("amplitude").orElseThrow();
        Connector hubspot = connectors.enabled("hubspot").orElseThrow();
        Command withdrawal = new Command(1, "amplitude", "s-1", "opt_out", "analytics", "e-1", "r-1", 0);

        assertThat(Dispatcher.operation(amplitude, withdrawal, false)).isEqualTo("erase");
        assertThat(Dispatcher.operation(amplitude, withdrawal)).isEqualTo("erase");
        assertThat(Dispatcher.operation(amplitude, withdrawal, true)).isNull(); // skipped with the reason, not erased

        Command marketing = new Command(2, "hubspot", "s-1", "opt_out", "email_marketing", "e-2", null, 0);
        assertThat(Dispatcher.operation(hubspot, marketing, true)).isEqualTo(Dispatcher.operation(hubspot, marketing,
                false)).isNotEqualTo("erase");
    }
}

package io.lethe.connectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code changes.name} for vendors with one name field (Intercom): the parts given, the others kept. */
class FullNameTest {

    @Test
    void bothPartsGivenMakeTheName() {
        assertThat(OperationRun.withName(Map.of("firstName", "Zoë", "lastName", "Łukasiewicz"), null))
                .containsEntry("name", "Zoë Łukasiewicz");
    }

    @Test
    void aPartNotGivenIsKeptFromTheCurrentName() {
        assertThat(OperationRun.withName(Map.of("lastName", "Łukasiewicz"), Map.of("name", "Anna Maria Kowalska")))
                .containsEntry("name", "Anna Maria Łukasiewicz");
        assertThat(OperationRun.withName(Map.of("firstName", "Marta"), Map.of("name", "Anna Kowalska")))
                .containsEntry("name", "Marta Kowalska");
        assertThat(OperationRun.withName(Map.of("lastName", "Nowak"), Map.of("name", "Anna")))
                .containsEntry("name", "Anna Nowak");
        assertThat(OperationRun.withName(Map.of("lastName", "Nowak"), null)).containsEntry("name", "Nowak");
    }

    @Test
    void noNamePartLeavesTheNameOut() {
        assertThat(OperationRun.withName(Map.of("phone", "+4915112345678"), Map.of("name", "Anna Kowalska")))
                .doesNotContainKey("name");
    }
}

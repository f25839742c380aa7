package dev.streamworks.faults;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest {

    @Test
    void shouldReadTheOptionsOfTheCommand() {
        Faults.Options options = Faults.parse(new String[] {"--scenarios", "kills,poison", "--services=fraud",
                "--seed", "42", "--kills", "3", "--outage", "20s", "--report", "/tmp/r.md"});

        assertThat(options.scenarios()).containsExactly("kills", "poison");
        assertThat(options.services()).containsExactly("fraud");
        assertThat(options.seed()).isEqualTo(42);
        assertThat(options.kills()).isEqualTo(3);
        assertThat(options.outage()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.report()).hasToString("/tmp/r.md");
        assertThat(options.command()).doesNotContain("42");
        assertThat(options.poisoned()).isEqualTo(Target.ALL);
    }

    @Test
    void shouldPoisonTheServicesNamed() {
        assertThat(Faults.parse(new String[] {"--poisoned", "iot,cdc"}).poisoned()).containsExactly(Target.IOT, Target.CDC);
    }

    @Test
    void shouldKillEveryServiceAndRunTheOtherScenariosOnIotAndFraudByDefault() {
        assertThat(Faults.parse(new String[0]).services()).isEmpty();
        assertThat(Faults.defaultServices("kills")).isEqualTo(Target.ALL);
        assertThat(Faults.defaultServices("history")).isEqualTo(Target.ALL);
        assertThat(Faults.defaultServices("broker-outage")).containsExactly(Target.IOT, Target.FRAUD);
    }

    @Test
    void shouldRejectUnknownOptionsAndServices() {
        assertThatThrownBy(() -> Faults.parse(new String[] {"--kils", "3"})).hasMessageContaining("kils");
        assertThatThrownBy(() -> Target.named("billing")).hasMessageContaining("billing");
    }

    @Test
    void shouldKeepTheShortVersionSmall() {
        Faults.Options options = Faults.shortVersion(7);

        assertThat(options.scenarios()).containsExactly("kills", "history", "two-instances", "broker-outage", "poison");
        assertThat(options.poisoned()).isEqualTo(List.of(Target.IOT, Target.FRAUD));
        assertThat(options.report()).isNull();
    }
}

package com.pb.synth.tradecapture.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackPolicyTest {

    private static final CallbackPolicy PUBLIC_ONLY = new CallbackPolicy(List.of("*"));

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void theWildcardAllowsPublicAddressesAndNamesButNoInternalAddressLiteral() {
        assertThat(PUBLIC_ONLY.destination("https://hooks.example.com/jobs").port()).isEqualTo(443);
        assertThat(PUBLIC_ONLY.destination("http://93.184.216.34:8080/x").port()).isEqualTo(8080);
        for (String url : List.of("http://127.0.0.1:9000/q/health", "http://127.0.0.2/", "http://[::1]:8080/",
                "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/", "http://172.16.3.4/",
                "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0:8080/", "http://[fd00::1]/",
                "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/")) {
            assertThatThrownBy(() -> PUBLIC_ONLY.destination(url)).as(url).isInstanceOf(CallbackPolicy.Refused.class)
                    .hasMessageContaining("internal address");
        }
    }

    @Test
    void numericHostsOtherThanDottedQuadsAndOtherSchemesAreRefused() {
        for (String url : List.of("http://2130706433/", "http://127.1/", "http://0177.0.0.1/", "ftp://example.com/",
                "file:///etc/passwd", "/relative", "http://user:pw@example.com/", "not a url")) {
            assertThatThrownBy(() -> PUBLIC_ONLY.destination(url)).as(url).isInstanceOf(CallbackPolicy.Refused.class);
        }
    }

    @Test
    void aNameMatchedOnlyByTheWildcardIsRefusedWhenItResolvesInward() throws Exception {
        CallbackPolicy.Destination d = PUBLIC_ONLY.destination("http://localhost:8080/hook");
        assertThatThrownBy(() -> PUBLIC_ONLY.check(d, ip("127.0.0.1"))).isInstanceOf(CallbackPolicy.Refused.class)
                .hasMessageContaining("localhost resolves to 127.0.0.1");
        assertThatCode(() -> PUBLIC_ONLY.check(d, ip("93.184.216.34"))).doesNotThrowAnyException();
    }

    @Test
    void anInternalReceiverIsAllowedOnlyWhereAPatternNamesItAndItsPort() throws Exception {
        CallbackPolicy policy = new CallbackPolicy(List.of("hooks.internal:8443", "*.corp.example", "127.0.0.1",
                "[::1]:9999"));
        CallbackPolicy.Destination named = policy.destination("https://HOOKS.internal:8443/done");
        assertThatCode(() -> policy.check(named, ip("10.1.2.3"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.destination("https://hooks.internal/done"))
                .isInstanceOf(CallbackPolicy.Refused.class).hasMessageContaining("not an allowed callback destination");
        CallbackPolicy.Destination sub = policy.destination("http://a.b.corp.example/x");
        assertThatCode(() -> policy.check(sub, ip("192.168.0.9"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.destination("http://corp.example/x")).isInstanceOf(CallbackPolicy.Refused.class);
        assertThatThrownBy(() -> policy.destination("http://evilcorp.example/x")).isInstanceOf(CallbackPolicy.Refused.class);
        assertThat(policy.destination("http://127.0.0.1:1234/any-port").named()).isTrue();
        assertThat(policy.destination("http://[0:0:0:0:0:0:0:1]:9999/").named()).isTrue();
        assertThatThrownBy(() -> policy.destination("http://[::1]:9998/")).isInstanceOf(CallbackPolicy.Refused.class);
        // no wildcard: a public host not named is refused too
        assertThatThrownBy(() -> policy.destination("https://example.com/")).isInstanceOf(CallbackPolicy.Refused.class);
    }

    @Test
    void aMalformedPatternStopsTheServiceAtStart() {
        for (String bad : List.of("host:0", "host:70000", ":80", "host:http")) {
            assertThatThrownBy(() -> new CallbackPolicy(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

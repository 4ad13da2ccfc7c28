package dev.rigger.core.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkFactsTest {

    @ParameterizedTest
    @CsvSource({
            "00000000000000000000000000000001, ::1",
            "00000000000000000000000000000000, ::",
            "fe800000000000000042acfffe110002, fe80::42:acff:fe11:2",
            "20010db8000000010000000000000001, 2001:db8:0:1::1",
            "20010db8000000000001000000000001, 2001:db8::1:0:0:1",
            "20010db8000100020003000400050006, 2001:db8:1:2:3:4:5:6",
            "fd000005000000000000000000000000, fd00:5::"})
    void ipv6HexIsPrintedAsIpPrintsIt(String hex, String expected) throws Exception {
        String text = NetworkFacts.ipv6FromHex(hex);

        assertThat(text).isEqualTo(expected);
        // and it is the same address
        assertThat(HexFormat.of().formatHex(InetAddress.getByName(text).getAddress())).isEqualTo(hex);
    }
}

package dev.rigger.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.error.SourceLocation;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HostNamesTest {
    private static final SourceLocation AT = new SourceLocation("hosts", 1, 1);

    private static HostNames.Expanded expand(String pattern) {
        return HostNames.expand(pattern, AT);
    }

    @Test
    void rangesAsAnsibleExpandsThem() {
        assertThat(expand("db-[99:101]-node.example.com").names())
                .containsExactly("db-99-node.example.com", "db-100-node.example.com", "db-101-node.example.com");
        assertThat(expand("www[001:003]").names()).containsExactly("www001", "www002", "www003");
        assertThat(expand("n[:2]").names()).containsExactly("n0", "n1", "n2");
        assertThat(expand("x[y:B]").names()).containsExactly("xy", "xz", "xA", "xB");
        assertThat(expand("r[a:e:2]").names()).containsExactly("ra", "rc", "re");
        assertThat(expand("db[01:02]node-[a:b]").names()).containsExactly("db01node-a", "db01node-b", "db02node-a", "db02node-b");
    }

    @Test
    void portsAndAddresses() {
        assertThat(expand("badwolf.example.com:5309")).isEqualTo(new HostNames.Expanded(List.of("badwolf.example.com"), 5309));
        assertThat(expand("web[1:2]:2222")).isEqualTo(new HostNames.Expanded(List.of("web1", "web2"), 2222));
        assertThat(expand("[fe80::1]:2222")).isEqualTo(new HostNames.Expanded(List.of("fe80::1"), 2222));
        assertThat(expand("fe80::1")).isEqualTo(new HostNames.Expanded(List.of("fe80::1"), null));
        assertThat(expand("192.0.2.10")).isEqualTo(new HostNames.Expanded(List.of("192.0.2.10"), null));
    }

    @Property
    void numericRangesHaveTheExpectedCountAndPadding(@ForAll @IntRange(max = 300) int from,
                                                     @ForAll @IntRange(max = 300) int length,
                                                     @ForAll @IntRange(min = 1, max = 7) int step) {
        int to = from + length;
        String width = "%0" + String.valueOf(to).length() + "d";
        List<String> names = expand("h[" + String.format(width, from) + ":" + to + ":" + step + "]").names();
        assertThat(names).hasSize(length / step + 1);
        assertThat(names).doesNotHaveDuplicates().isSorted();
        assertThat(names.get(0)).isEqualTo("h" + String.format(width, from));
    }
}

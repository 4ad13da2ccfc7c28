package dev.rigger.core.template;

import com.github.mustachejava.MustacheException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TemplatePropertiesTest {

    private final TemplateRenderer renderer = new TemplateRenderer();

    /** Except a lone carriage return (not followed by a line feed), which mustache.java drops. */
    @Property
    void textWithoutTagsIsCopiedVerbatim(@ForAll @StringLength(max = 60) String text) {
        String plain = text.replace("{{", "{ {").replaceAll("\r(?!\n)", "");
        assertThat(renderer.render("t", plain, Map.of()).content()).isEqualTo(plain);
    }

    @Property
    void valuesArePrintedVerbatim(@ForAll @StringLength(max = 40) String value) {
        assertThat(renderer.render("t", "<{{v}}>", Map.of("v", value)).content()).isEqualTo("<" + value + ">");
    }

    /** Whatever the text, compiling either works or fails with a located error, never another exception. */
    @Property
    void arbitraryTemplatesCompileOrFailLocated(@ForAll @StringLength(max = 30)
            @Chars({'{', '}', '#', '/', '^', '!', '>', '&', '=', '\n', ' ', '.'}) @AlphaChars String text) {
        try {
            renderer.compile("fuzz.mustache", text);
        } catch (TemplateException e) {
            assertThat(e.location().file()).isEqualTo("fuzz.mustache");
        } catch (MustacheException e) {
            throw new AssertionError("unlocated mustache error for " + text, e);
        }
    }
}

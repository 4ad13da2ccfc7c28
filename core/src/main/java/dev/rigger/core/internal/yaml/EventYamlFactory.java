package dev.rigger.core.internal.yaml;

import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import org.yaml.snakeyaml.events.Event;

/**
 * A YAMLFactory whose parsers also hand out the underlying SnakeYAML event. Jackson's token API
 * hides how a scalar was written (plain or quoted), its tag and its anchor; we need all three.
 */
final class EventYamlFactory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) throws IOException {
        return new EventParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }

    static final class EventParser extends YAMLParser {
        EventParser(IOContext ctxt, int parserFeatures, int yamlFeatures, org.yaml.snakeyaml.LoaderOptions options,
                    com.fasterxml.jackson.core.ObjectCodec codec, Reader reader) {
            super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
        }

        /** The SnakeYAML event behind the current token. */
        Event event() {
            return _lastEvent;
        }
    }
}

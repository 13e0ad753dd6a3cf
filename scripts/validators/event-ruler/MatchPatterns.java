import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import software.amazon.event.ruler.Machine;

/**
 * Reads {"patterns": [{"name", "pattern"}], "events": [event]} as JSON on stdin and writes
 * {"matches": [[names]]} on stdout: for each event, in order, the sorted names of the patterns
 * event-ruler matches it with. A pattern event-ruler rejects, or input that is not JSON, exits
 * with status 3 and the reason on stderr.
 */
public final class MatchPatterns {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode input;
    try {
      input = json.readTree(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (Exception e) {
      exit("input is not JSON: " + e.getMessage());
      return;
    }
    Machine machine = Machine.builder().build();
    for (JsonNode p : input.path("patterns")) {
      String name = p.path("name").asText();
      try {
        machine.addRule(name, json.writeValueAsString(p.path("pattern")));
      } catch (Exception e) {
        exit("pattern " + name + " is invalid: " + e.getMessage());
      }
    }
    ObjectNode output = json.createObjectNode();
    ArrayNode matches = output.putArray("matches");
    for (JsonNode event : input.path("events")) {
      // rulesForJSONEvent, the matcher event-ruler recommends, is array-consistent: fields
      // matched inside an array must come from the same element of it.
      List<String> found = machine.rulesForJSONEvent(json.writeValueAsString(event));
      ArrayNode names = matches.addArray();
      new TreeSet<>(found).forEach(names::add);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println(json.writeValueAsString(output));
  }

  private static void exit(String message) {
    System.err.println(message);
    System.exit(3);
  }
}

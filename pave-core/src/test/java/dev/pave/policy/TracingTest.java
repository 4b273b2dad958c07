package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The evaluation trace names the elements that made an all() fail, when they can be found in
 * the object; an all() over values from elsewhere is not traced at all.
 */
class TracingTest {
  private static CelAbstractSyntaxTree ast(String expression) throws Exception {
    return PolicyEngine.cel().compile(expression).getAst();
  }

  /** The iteration variables of the all() predicates that are traced. */
  private static List<String> traced(String expression) throws Exception {
    return new ArrayList<>(new TreeSet<>(
        Tracing.predicates(ast(expression)).iterVarByPredicate().values()));
  }

  @Test
  void allOverTheObjectIsTraced() throws Exception {
    assertThat(traced("object.spec.template.spec.containers.all(c, c.name != '')"))
        .containsExactly("c");
    assertThat(traced("pod.containers.all(c, c.ports.all(p, p.containerPort > 0))"))
        .containsExactly("c", "p");
    assertThat(traced("cel.bind(cs, pod.containers, cs.all(c, has(c.image)))"))
        .containsExactly("c");
    assertThat(traced("pod.containers.filter(c, c.name != 'x').all(k, has(k.image))"))
        .containsExactly("k");
  }

  @Test
  void allOverRelatedObjectsOrParametersIsNotTraced() throws Exception {
    assertThat(traced("related.PodDisruptionBudget.exists(p, "
        + "p.spec.selector.matchLabels.all(k, k in object.metadata.labels))")).isEmpty();
    assertThat(traced("params.allowedRegistries.all(r, r != '')")).isEmpty();
    // A loop variable that hides an object variable hides it for the trace too.
    assertThat(traced("params.list.all(object, object != '')")).isEmpty();
    assertThat(traced("cel.bind(cs, params.list, cs.all(c, c != ''))")).isEmpty();
  }

  @Test
  void theFailingElementIsFoundInTheObject() throws Exception {
    CelAbstractSyntaxTree ast = ast("object.spec.containers.all(c, c.image.contains(':'))");
    Map<String, Object> object = Map.of("spec", Map.of("containers", List.of(
        Map.of("name", "a", "image", "a:1"), Map.of("name", "b", "image", "b"))));
    List<String> failing = Tracing.failingElements(PolicyEngine.cel().createProgram(ast),
        Tracing.predicates(ast), Map.of("object", object), object);
    assertThat(failing).containsExactly("spec.containers[1]");
  }
}

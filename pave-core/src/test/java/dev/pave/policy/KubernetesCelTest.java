package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.bundle.Cel;
import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes CEL libraries, case by case, with the results Kubernetes gives for the same
 * expressions (k8s.io/apiserver/pkg/cel/library tests and documentation).
 */
class KubernetesCelTest {
  static final Cel CEL = PolicyEngine.cel();
  static final Map<String, Object> VARS = Map.ofEntries(Map.entry("object", Map.of()),
      Map.entry("pod", Map.of()), Map.entry("podMeta", Map.of()),
      Map.entry("container", Map.of()), Map.entry("volume", Map.of()),
      Map.entry("params", Map.of()), Map.entry("variables", Map.of()),
      Map.entry("request", Map.of()), Map.entry("namespaceObject", Map.of()),
      Map.entry("oldObject", dev.cel.common.values.NullValue.NULL_VALUE),
      Map.entry("authorizer", dev.pave.policy.cel.Authz.NONE),
      Map.entry("authorizer.requestResource",
          new dev.pave.policy.cel.Authz.ResourceCheck("apps", "deployments", "", "ns", "d")));

  static Object eval(String expression) throws Exception {
    return CEL.createProgram(CEL.compile(expression).getAst()).eval(VARS);
  }

  static Stream<Arguments> values() {
    return Stream.of(
        // quantity
        Arguments.of("quantity('1Gi') == quantity('1024Mi')", true),
        Arguments.of("quantity('500m').isLessThan(quantity('1'))", true),
        Arguments.of("quantity('2').isGreaterThan(quantity('1500m'))", true),
        Arguments.of("quantity('1.5G').compareTo(quantity('1500M'))", 0L),
        Arguments.of("quantity('1k').compareTo(quantity('999'))", 1L),
        Arguments.of("quantity('50Mi').compareTo(quantity('100Mi'))", -1L),
        Arguments.of("isQuantity('1.3G')", true),
        Arguments.of("isQuantity('1.3Gg')", false),
        Arguments.of("isQuantity('1e3')", true),
        Arguments.of("quantity('50k').isInteger()", true),
        Arguments.of("quantity('9999999999999999999999999999999999999G').isInteger()", true),
        Arguments.of("quantity('50m').isInteger()", false),
        Arguments.of("quantity('50k').asInteger()", 50000L),
        Arguments.of("quantity('1e3').asInteger()", 1000L),
        Arguments.of("quantity('50.703k').asApproximateFloat()", 50703.0),
        Arguments.of("quantity('-50k').sign()", -1L),
        Arguments.of("quantity('0').sign()", 0L),
        Arguments.of("quantity('50k').add(quantity('20')) == quantity('50.02k')", true),
        Arguments.of("quantity('50k').add(20) == quantity('50020')", true),
        Arguments.of("quantity('50k').sub(quantity('20')) == quantity('49.98k')", true),
        Arguments.of("quantity('50k').sub(20).isLessThan(quantity('50k'))", true),
        // regex
        Arguments.of("'abc 123'.find('[0-9]+')", "123"),
        Arguments.of("'abc 123'.find('xyz')", ""),
        Arguments.of("'123 abc 456'.findAll('[0-9]+')", List.of("123", "456")),
        Arguments.of("'123 abc 456'.findAll('[0-9]+', 1)", List.of("123")),
        Arguments.of("'123 abc 456'.findAll('xyz')", List.of()),
        // lists
        Arguments.of("[1, 2, 3].isSorted()", true),
        Arguments.of("['a', 'b', 'b', 'c'].isSorted()", true),
        Arguments.of("[2.0, 1.0].isSorted()", false),
        Arguments.of("[1, 2, 3].sum()", 6L),
        Arguments.of("[1.0, 2.0, 3.5].sum()", 6.5),
        Arguments.of("[].sum()", 0L),
        Arguments.of("[1, 2, 3].min()", 1L),
        Arguments.of("['d', 'a', 'c'].max()", "d"),
        Arguments.of("[1, 2, 2, 3].indexOf(2)", 1L),
        Arguments.of("[1, 2, 2, 3].lastIndexOf(2)", 2L),
        Arguments.of("['a', 'b'].indexOf('z')", -1L),
        Arguments.of("[quantity('1Gi'), quantity('512Mi')].isSorted()", false),
        // Policy input is map(string, dyn): the functions must work on dyn lists too.
        Arguments.of("object.?items.orValue([1, 5, 3]).sum()", 9L),
        Arguments.of("object.?items.orValue([1, 5, 3]).max()", 5L),
        Arguments.of("object.?items.orValue(['b', 'a']).isSorted()", false),
        Arguments.of("object.?items.orValue([2, 2]).lastIndexOf(2)", 1L),
        Arguments.of("'abc 123'.find('[0-9]*')", ""),
        // format
        Arguments.of("'%s is %d years'.format(['Ana', 30])", "Ana is 30 years"),
        Arguments.of("'%.2f'.format([3.14159])", "3.14"),
        Arguments.of("'%x %X %o %b'.format([255, 255, 8, 5])", "ff FF 10 101"),
        Arguments.of("'%s'.format([[1, 2]])", "[1, 2]"),
        Arguments.of("'%%%s%%'.format(['x'])", "%x%"),
        Arguments.of("'%e'.format([1234.5])", "1.234500e+03"),
        // url
        Arguments.of("url('https://example.com:8080/path?a=1&a=2&b').getScheme()", "https"),
        Arguments.of("url('https://example.com:8080/path').getHost()", "example.com:8080"),
        Arguments.of("url('https://[::1]:80/').getHostname()", "::1"),
        Arguments.of("url('https://example.com:8080/path').getPort()", "8080"),
        Arguments.of("url('https://example.com/with%20space').getEscapedPath()",
            "/with%20space"),
        Arguments.of("url('https://example.com/?a=1&a=2&b').getQuery()",
            Map.of("a", List.of("1", "2"), "b", List.of(""))),
        Arguments.of("isURL('/absolute/path')", true),
        Arguments.of("isURL('relative/path')", false),
        Arguments.of("isURL('https://a.example.com')", true),
        // ip
        Arguments.of("isIP('192.168.0.1')", true),
        Arguments.of("isIP('192.168.0.300')", false),
        Arguments.of("isIP('::ffff:192.168.0.1')", false),
        Arguments.of("isIP('fe80::1%eth0')", false),
        Arguments.of("ip('192.168.0.1').family()", 4L),
        Arguments.of("ip('2001:db8::68').family()", 6L),
        Arguments.of("ip('127.0.0.1').isLoopback()", true),
        Arguments.of("ip('::1').isLoopback()", true),
        Arguments.of("ip('0.0.0.0').isUnspecified()", true),
        Arguments.of("ip('169.254.1.1').isLinkLocalUnicast()", true),
        Arguments.of("ip('fe80::1').isLinkLocalUnicast()", true),
        Arguments.of("ip('224.0.0.1').isLinkLocalMulticast()", true),
        Arguments.of("ip('ff02::1').isLinkLocalMulticast()", true),
        Arguments.of("ip('192.168.0.1').isGlobalUnicast()", true),
        Arguments.of("ip('255.255.255.255').isGlobalUnicast()", false),
        Arguments.of("ip.isCanonical('2001:db8::68')", true),
        Arguments.of("ip.isCanonical('2001:DB8::68')", false),
        Arguments.of("ip('2001:db8:0:0:0:0:0:68') == ip('2001:db8::68')", true),
        Arguments.of("string(ip('2001:db8:0:0:0:0:0:68'))", "2001:db8::68"),
        // cidr
        Arguments.of("isCIDR('10.0.0.0/8')", true),
        Arguments.of("isCIDR('10.0.0.0/33')", false),
        Arguments.of("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", true),
        Arguments.of("cidr('10.0.0.0/8').containsIP('11.0.0.1')", false),
        Arguments.of("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", true),
        Arguments.of("cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))", false),
        Arguments.of("cidr('192.168.1.5/24').prefixLength()", 24L),
        Arguments.of("string(cidr('192.168.1.5/24').masked())", "192.168.1.0/24"),
        Arguments.of("cidr('192.168.1.5/24').ip() == ip('192.168.1.5')", true),
        Arguments.of("cidr('2001:db8::/32').containsIP('2001:db8:1::1')", true),
        // semver
        Arguments.of("isSemver('1.0.0')", true),
        Arguments.of("isSemver('1.0.0-alpha.1+build.5')", true),
        Arguments.of("isSemver('v1.0.0')", false),
        Arguments.of("isSemver('1.0')", false),
        Arguments.of("isSemver('v1.0', true)", true),
        Arguments.of("isSemver('01.01.01', true)", true),
        Arguments.of("isSemver('1.0.0.0', true)", false),
        Arguments.of("semver('1.2.3').major()", 1L),
        Arguments.of("semver('1.2.3').minor()", 2L),
        Arguments.of("semver('1.2.3').patch()", 3L),
        Arguments.of("semver('1.0.0') == semver('1.0.0+build')", true),
        Arguments.of("semver('1.0.0').isLessThan(semver('1.1.0'))", true),
        Arguments.of("semver('2.0.0').isGreaterThan(semver('1.99.99'))", true),
        Arguments.of("semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", true),
        Arguments.of("semver('1.0.0-alpha.1').isLessThan(semver('1.0.0-alpha.beta'))", true),
        Arguments.of("semver('1.0.0-2').isLessThan(semver('1.0.0-10'))", true),
        Arguments.of("semver('1.0.0').compareTo(semver('1.0.0'))", 0L),
        Arguments.of("semver('1.0.0').compareTo(semver('2.0.0'))", -1L),
        Arguments.of("semver('2.0.0').compareTo(semver('1.0.0'))", 1L),
        Arguments.of("semver('v01.01', true) == semver('1.1.0')", true),
        Arguments.of("semver('v1.2', true).minor()", 2L),
        // named formats
        Arguments.of("format.dns1123Label().validate('my-name').hasValue()", false),
        Arguments.of("format.dns1123Label().validate('My_Name').value()", List.of(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or"
            + " '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or"
            + " '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")),
        Arguments.of("format.dns1123Subdomain().validate('example.com').hasValue()", false),
        Arguments.of("format.dns1035Label().validate('1abc').hasValue()", true),
        Arguments.of("format.dns1123LabelPrefix().validate('my-prefix-').hasValue()", false),
        Arguments.of("format.dns1123Label().validate('my-prefix-').hasValue()", true),
        Arguments.of("format.qualifiedName().validate('example.com/MyName').hasValue()", false),
        Arguments.of("format.qualifiedName().validate('a/b/c').hasValue()", true),
        Arguments.of("format.labelValue().validate('').hasValue()", false),
        Arguments.of("format.labelValue().validate('" + "a".repeat(64) + "').hasValue()", true),
        Arguments.of("format.uuid().validate('123e4567-e89b-12d3-a456-426614174000')"
            + ".hasValue()", false),
        Arguments.of("format.date().validate('2024-02-30').hasValue()", true),
        Arguments.of("format.datetime().validate('2024-01-01T00:00:00Z').hasValue()", false),
        Arguments.of("format.byte().validate('aGVsbG8=').hasValue()", false),
        Arguments.of("format.uri().validate('https://example.com').hasValue()", false),
        Arguments.of("format.named('dns1123Label').hasValue()", true),
        Arguments.of("format.named('nope').hasValue()", false),
        Arguments.of("format.named('labelValue').value().validate('ok').hasValue()", false),
        // strings (version 2 and up)
        Arguments.of("'hello'.charAt(1)", "e"),
        Arguments.of("'hello'.indexOf('l')", 2L),
        Arguments.of("'hello'.lastIndexOf('l')", 3L),
        Arguments.of("'TacoCat'.lowerAscii()", "tacocat"),
        Arguments.of("'TacoCat'.upperAscii()", "TACOCAT"),
        Arguments.of("'hello hello'.replace('he', 'we', 1)", "wello hello"),
        Arguments.of("'a,b,c'.split(',')", List.of("a", "b", "c")),
        Arguments.of("'tacocat'.substring(4)", "cat"),
        Arguments.of("'tacocat'.substring(0, 4)", "taco"),
        Arguments.of("'  \\ttrim\\n '.trim()", "trim"),
        Arguments.of("['a', 'b'].join('-')", "a-b"),
        Arguments.of("strings.quote('a\"b')", "\"a\\\"b\""),
        // sets
        Arguments.of("sets.contains([1, 2, 3], [3, 1])", true),
        Arguments.of("sets.equivalent([1, 1, 2], [2, 1])", true),
        Arguments.of("sets.intersects([1, 2], [3])", false),
        // optionals
        Arguments.of("optional.of(1).orValue(2)", 1L),
        Arguments.of("optional.none().orValue(2)", 2L),
        Arguments.of("object.?spec.?replicas.orValue(3)", 3L),
        Arguments.of("{'a': 1}.?a.hasValue()", true),
        Arguments.of("[1, 2][?5].hasValue()", false),
        // two-variable comprehensions
        Arguments.of("[1, 2, 3].all(i, v, v > i)", true),
        Arguments.of("{'a': 1, 'b': 2}.exists(k, v, k == 'b' && v == 2)", true),
        Arguments.of("[1, 2].existsOne(i, v, v == 2)", true),
        Arguments.of("[10, 20].transformList(i, v, i + v)", List.of(10L, 21L)),
        Arguments.of("[10, 20].transformList(i, v, v > 10, v * 2)", List.of(40L)),
        Arguments.of("{'a': 1}.transformMap(k, v, v + 1)", Map.of("a", 2L)),
        Arguments.of("['x', 'y'].transformMapEntry(i, v, {v: i})", Map.of("x", 0L, "y", 1L)),
        // authorizer: without a cluster, every check is the decision of a failed authorizer
        Arguments.of("authorizer.group('apps').resource('deployments').namespace('ns')"
            + ".name('d').check('create').allowed()", false),
        Arguments.of("authorizer.requestResource.subresource('scale').check('update')"
            + ".errored()", true),
        Arguments.of("authorizer.path('/healthz').check('get').error()",
            "no authorizer: pave evaluates files without a cluster to ask"),
        Arguments.of("authorizer.serviceAccount('ns', 'sa').group('').resource('pods')"
            + ".labelSelector('a=b').check('list').reason()", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void evaluatesAsKubernetesDoes(String expression, Object expected) throws Exception {
    Object actual = eval(expression);
    if (actual instanceof Map<?, ?> m) {
      assertThat(m).isEqualTo(expected);
    } else if (actual instanceof List<?> l) {
      assertThat(l).isEqualTo(expected);
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("quantity('1.3Gg')", "quantities must match the regular expression"),
        Arguments.of("quantity('50m').asInteger()", "cannot convert value to integer"),
        Arguments.of("quantity('9999999999999999999999999999999999999G').asInteger()",
            "cannot convert value to integer"),
        Arguments.of("[].min()", "min called on empty list"),
        Arguments.of("[].max()", "max called on empty list"),
        Arguments.of("'%d'.format(['x'])", "integer clause can only be used on integers"),
        Arguments.of("'%s %s'.format(['x'])", "index 1 out of range"),
        Arguments.of("'abc'.find('[')", "invalid regular expression"),
        Arguments.of("url('relative')", "URL must be an absolute URI or an absolute path"),
        Arguments.of("ip('::ffff:192.168.0.1')", "IPv4-mapped IPv6 address"),
        Arguments.of("ip('fe80::1%eth0')", "IP address with zone value is not allowed"),
        Arguments.of("ip('300.1.1.1')", "unable to parse IP"),
        Arguments.of("cidr('10.0.0.0/40')", "prefix length out of range"),
        Arguments.of("semver('1.0')", "No Major.Minor.Patch elements found"),
        Arguments.of("semver('v1.0.0')", "Invalid character(s) found in major number \"v1\""),
        Arguments.of("semver('01.0.0')", "Major number must not contain leading zeroes \"01\""),
        Arguments.of("semver('1.0.0-01')",
            "Numeric PreRelease version must not contain leading zeroes \"01\""),
        Arguments.of("semver('1.0.0+')", "Build meta data is empty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void failsWithKubernetesWording(String expression, String message) {
    assertThatThrownBy(() -> eval(expression)).isInstanceOf(CelEvaluationException.class)
        .hasMessageContaining(message);
  }
}

// Expected strings come from Prometheus 2.42's template tests and from promtool's own output.
#include <boost/test/unit_test.hpp>

#include "ruler/rules/alert_template.hpp"

using namespace stackwatch::rules;
using stackwatch::tmpl::TemplateError;

namespace {

AlertTemplateData sample_data() {
    return {.labels = {{"instance", "db-1:9187"}, {"job", "postgres"}},
            .external_labels = {{"cluster", "c1"}},
            .external_url = "http://ruler.example:9090/prefix",
            .value = 85};
}

std::string expand(const std::string& text, AlertTemplateData data = sample_data()) {
    return expand_alert_template("Test", text, data);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(templates)

BOOST_AUTO_TEST_CASE(labels_value_and_external_labels) {
    BOOST_TEST(expand("{{ $labels.instance }} of {{ $labels.job }}") == "db-1:9187 of postgres");
    BOOST_TEST(expand("{{ $labels.missing }}|") == "|");
    BOOST_TEST(expand("{{ $value }} {{ .Value }}") == "85 85");
    BOOST_TEST(expand("{{ $externalLabels.cluster }}") == "c1");
    BOOST_TEST(expand("{{ $labels }}") == "map[instance:db-1:9187 job:postgres]");
    BOOST_TEST(expand("{{ . }}") ==
               "{map[instance:db-1:9187 job:postgres] map[cluster:c1] "
               "http://ruler.example:9090/prefix 85}");
    BOOST_TEST(expand("{{ $externalURL }}") == "http://ruler.example:9090/prefix");
}

BOOST_AUTO_TEST_CASE(floats_print_like_go) {
    BOOST_TEST(expand("{{ 1e6 }} {{ 123456.0 }} {{ 1234567.0 }} {{ 0.1 }} {{ 0.00001 }}") ==
               "1e+06 123456 1.234567e+06 0.1 1e-05");
    auto data = sample_data();
    data.value = 1.0 / 3;
    BOOST_TEST(expand("{{ $value }}", data) == "0.3333333333333333");
}

BOOST_AUTO_TEST_CASE(humanize_family) {
    BOOST_TEST(expand("{{ humanize 0.1 }}") == "100m");
    BOOST_TEST(expand("{{ humanize 1234567 }}") == "1.235M");
    BOOST_TEST(expand("{{ humanize 0 }} {{ humanize -1000 }} {{ humanize 0.000001 }}") ==
               "0 -1k 1u");
    BOOST_TEST(expand("{{ humanize \"1234\" }}") == "1.234k");
    BOOST_TEST(
        expand(
            "{{ humanize1024 2048 }} {{ humanize1024 1 }} {{ humanize1024 1125899906842624 }}") ==
        "2ki 1 1Pi");
    BOOST_TEST(expand("{{ humanizeDuration 90 }}") == "1m 30s");
    BOOST_TEST(
        expand("{{ humanizeDuration 0 }} {{ humanizeDuration 0.1 }} {{ humanizeDuration 1.5 }}") ==
        "0s 100ms 1.5s");
    BOOST_TEST(expand("{{ humanizeDuration 86400 }} {{ humanizeDuration -3700 }}") ==
               "1d 0h 0m 0s -1h 1m 40s");
    // Beyond int64, Go's conversion gives the minimum int64, and promtool prints its parts.
    BOOST_TEST(expand("{{ humanizeDuration 1e21 }}") == "-106751991167300d -15h -30m -8s");
    BOOST_TEST(expand("{{ humanizePercentage 0.1234 }}") == "12.34%");
    BOOST_TEST(expand("{{ humanizeTimestamp 1.5 }}") == "1970-01-01 00:00:01.5 +0000 UTC");
    BOOST_TEST(expand("{{ humanizeTimestamp 1435065584.128 }}") ==
               "2015-06-23 13:19:44.128 +0000 UTC");
    BOOST_TEST(expand("{{ $value | humanize }}") == "85");
}

BOOST_AUTO_TEST_CASE(strings_and_printf) {
    BOOST_TEST(expand("{{ printf \"%.2f %s %d %v %q\" 1.5 \"x\" 3 2.5 \"y\" }}") ==
               "1.50 x 3 2.5 \"y\"");
    BOOST_TEST(expand("{{ printf \"%d\" 1.5 }} {{ printf \"%s\" 1.5 }}") ==
               "%!d(float64=1.5) %!s(float64=1.5)");
    BOOST_TEST(expand("{{ title \"hello wOrld-x\" }}") == "Hello WOrld-X");
    BOOST_TEST(expand("{{ toUpper \"aB\" }}{{ toLower \"Cd\" }}") == "ABcd");
    BOOST_TEST(expand("{{ reReplaceAll \"(a+)b\" \"${1}X\" \"aab cab\" }}") == "aaX caX");
    BOOST_TEST(expand("{{ reReplaceAll \":.*\" \"\" $labels.instance }}") == "db-1");
    BOOST_TEST(expand("{{ $labels.instance | reReplaceAll \"(.*):(.*)\" \"$2\" }}") == "9187");
    BOOST_TEST(expand("{{ stripPort $labels.instance }} {{ stripDomain \"a.b.c:80\" }}") ==
               "db-1 a:80");
}

BOOST_AUTO_TEST_CASE(control_flow) {
    BOOST_TEST(expand("{{ if gt $value 80.0 }}high{{ else }}low{{ end }}") == "high");
    BOOST_TEST(expand("{{ if lt $value 10.0 }}a{{ else if eq $labels.job \"postgres\" }}b{{ else "
                      "}}c{{ end }}") == "b");
    BOOST_TEST(expand("{{ with $labels.job }}job={{ . }}{{ end }}{{ with $labels.nope }}x{{ else "
                      "}}none{{ end }}") == "job=postgresnone");
    BOOST_TEST(expand("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}") ==
               "instance=db-1:9187;job=postgres;");
    BOOST_TEST(expand("{{ range $externalLabels }}[{{ . }}]{{ end }}") == "[c1]");
    BOOST_TEST(expand("{{ $x := \"a\" }}{{ $x = \"b\" }}{{ $x }}") == "b");
    BOOST_TEST(expand("a  {{- \" b \" -}}  c") == "a b c");
    BOOST_TEST(expand("{{/* comment */}}x") == "x");
    BOOST_TEST(expand("{{ and 1 0 }} {{ or 0 \"\" \"z\" }} {{ not true }}") == "0 z false");
    BOOST_TEST(expand("{{ if and (ge $value 85.0) (ne $labels.job \"x\") }}yes{{ end }}") == "yes");
}

BOOST_AUTO_TEST_CASE(errors_keep_prometheus_text) {
    BOOST_TEST(
        expand("{{ gt $value 80 }}") ==
        "<error expanding template: error executing template __alert_Test: template: "
        "__alert_Test:1:115: "
        "executing \"__alert_Test\" at <gt $value 80>: error calling gt: incompatible types for "
        "comparison>");
    BOOST_TEST(
        expand("{{ reReplaceAll \"(a+)b\" \"${1}X$1\" \"aab cab\" }} {{ .Nope }}") ==
        "<error expanding template: error executing template __alert_Test: template: "
        "__alert_Test:1:162: "
        "executing \"__alert_Test\" at <.Nope>: can't evaluate field Nope in type struct { Labels "
        "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 "
        "}>");
    BOOST_TEST(
        expand("{{ humanise 1 }}") ==
        "<error expanding template: error parsing template __alert_Test: template: __alert_Test:1: "
        "function \"humanise\" not defined>");
}

// Positions count from the start of the text including Prometheus's $labels/$value definitions
// (112 bytes), 0-based within the line, exactly as Go reports them.
BOOST_AUTO_TEST_CASE(error_positions_match_go) {
    const std::string prefix =
        "<error expanding template: error executing template __alert_Test: template: "
        "__alert_Test:1:";
    BOOST_TEST(expand("{{ humanize 1 2 }}") ==
               prefix +
                   "115: executing \"__alert_Test\" at <humanize>: wrong number of args for "
                   "humanize: want 1 got 2>");
    BOOST_TEST(expand("{{ toUpper 1 }}") ==
               prefix + "123: executing \"__alert_Test\" at <1>: expected string; found 1>");
    BOOST_TEST(expand("{{ toUpper $value }}") ==
               prefix +
                   "123: executing \"__alert_Test\" at <$value>: wrong type for value; expected "
                   "string; got float64>");
    BOOST_TEST(expand("{{ .Value.X }}") == prefix +
                                               "121: executing \"__alert_Test\" at <.Value.X>: "
                                               "can't evaluate field X in type float64>");
    BOOST_TEST(expand("{{ $labels.instance.x }}") ==
               prefix +
                   "122: executing \"__alert_Test\" at <$labels.instance.x>: can't evaluate field "
                   "x in type string>");
    BOOST_TEST(expand("{{ reReplaceAll \"(\" \"\" \"x\" }}") ==
               prefix +
                   "115: executing \"__alert_Test\" at <reReplaceAll \"(\" \"\" \"x\">: error "
                   "calling reReplaceAll: "
                   "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`>");
    BOOST_TEST(expand("{{ eq $labels 1 }}") ==
               prefix +
                   "115: executing \"__alert_Test\" at <eq $labels 1>: error calling eq: "
                   "incompatible types for comparison>");
    BOOST_TEST(expand("{{ with $labels.x }}a{{ else with $labels.job }}b{{ end }}") ==
               "<error expanding template: error parsing template __alert_Test: template: "
               "__alert_Test:1: unexpected <with> in else>");
}

BOOST_AUTO_TEST_CASE(printf_and_print_like_fmt) {
    BOOST_TEST(expand("{{ printf \"%5.2f|%-6s|%03d|%x|%X|%e|%g|%G\" $value \"ab\" 7 255 \"hi\" "
                      "12345.678 0.00001234 1e21 }}") ==
               "85.00|ab    |007|ff|6869|1.234568e+04|1.234e-05|1E+21");
    BOOST_TEST(expand("{{ printf \"%v %v %v\" true nil \"s\" }}") == "true <nil> s");
    BOOST_TEST(expand("{{ printf \"%d %d\" 1 }}|{{ printf \"%d\" 1 2 }}") ==
               "1 %!d(MISSING)|1%!(EXTRA int=2)");
    BOOST_TEST(expand("{{ printf \"%08.3f|% d|%#x\" 3.14159 5 255 }}") == "0003.142| 5|0xff");
    BOOST_TEST(expand("{{ print 1 2 \"a\" \"b\" 3 }}") == "1 2ab3");
    // Floats in hexadecimal and binary, and '#', as promtool 2.42 prints them.
    BOOST_TEST(expand("{{ printf \"%x|%X|%.3x|%#x|%#X|%b\" 0.3 -4.5 0.3 2.0 2.0 0.5 }}") ==
               "0x1.3333333333333p-02|-0X1.2P+02|0x1.333p-02|0x1.0000p+01|0X1.P+01|"
               "4503599627370496p-53");
    BOOST_TEST(expand("{{ printf \"%#g|%#g|%#.3g\" 1e6 0.30000000000000004 0.5 }}") ==
               "1.00000e+06|0.30000000000000004|0.500");
    BOOST_TEST(expand("{{ toLower \"ÀBC\" }}") == "àbc");
}

BOOST_AUTO_TEST_CASE(parse_check) {
    BOOST_CHECK_NO_THROW(check_alert_template("A", "{{ $labels.x }} {{ humanize $value }}"));
    BOOST_CHECK_THROW(check_alert_template("A", "{{ $labels.x }"), TemplateError);
    BOOST_CHECK_THROW(check_alert_template("A", "{{ if true }}x"), TemplateError);
    BOOST_CHECK_THROW(check_alert_template("A", "{{ $nope }}"), TemplateError);
    BOOST_CHECK_THROW(check_alert_template("A", "{{ end }}"), TemplateError);
}

// Prometheus parses rule templates with Go's text/template, define and break included; the
// expected strings are promtool 2.42's.
BOOST_AUTO_TEST_CASE(define_template_block_and_break_in_rule_templates) {
    BOOST_TEST(expand("{{ define \"x\" }}hi {{ .job }}{{ end }}{{ template \"x\" $labels }}") ==
               "hi postgres");
    BOOST_TEST(expand("{{ block \"b\" $value }}v={{ . }}{{ end }}") == "v=85");
    BOOST_TEST(expand("{{ template \"x\" }}{{ define \"x\" }}[{{ .Labels }}]{{ end }}") ==
               "[<no value>]");
    BOOST_TEST(expand("{{ range $k, $v := $labels }}{{ if eq $k \"job\" }}{{ break }}{{ end }}"
                      "{{ $k }};{{ end }}") == "instance;");
    BOOST_TEST(expand("{{ range $k, $v := $labels }}{{ if eq $k \"instance\" }}{{ continue }}"
                      "{{ end }}{{ $k }};{{ end }}") == "job;");
    BOOST_TEST(expand("{{ template \"y\" . }}") ==
               "<error expanding template: error executing template __alert_Test: template: "
               "__alert_Test:1:124: executing \"__alert_Test\" at <{{template \"y\" .}}>: "
               "template \"y\" not defined>");
    BOOST_CHECK_NO_THROW(
        check_alert_template("A", "{{ define \"d\" }}{{ end }}{{ template \"d\" }}"));
    BOOST_CHECK_THROW(check_alert_template("A", "{{ break }}"), TemplateError);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

namespace tmpl = stackwatch::tmpl;

tmpl::Value text(const std::string& s) {
    return tmpl::Value{s};
}

// Go's message for `text` parsed as the template "t", or "" when it parses.
std::string parse_error(const std::string& text) {
    try {
        tmpl::TemplateSet().add("t", text);
        return "";
    } catch (const TemplateError& e) {
        return e.what();
    }
}

std::string run(const tmpl::TemplateSet& set, const std::string& text,
                const tmpl::Value& data = {}) {
    try {
        return set.execute_text(text, data, {});
    } catch (const TemplateError& e) {
        return std::string("error: ") + e.what();
    }
}

// What Alertmanager's `amtool template render` uses as dot, as far as the test template reads it.
tmpl::Value notification_data() {
    auto s = std::make_shared<tmpl::Struct>();
    s->type_name = "template.Data";
    s->fields = {
        {"Receiver", text("receiver")},
        {"Status", text("alertstatus")},
        {"GroupLabels", tmpl::Value{tmpl::StringMap{{"grouplabelkey1", "grouplabelvalue1"},
                                                    {"grouplabelkey2", "grouplabelvalue2"}}}},
        {"ExternalURL", text("https://example.com")}};
    return tmpl::Value{std::shared_ptr<const tmpl::Struct>(std::move(s))};
}

// The constructs of Alertmanager's default.tmpl: define, template, range over a map with
// `$k, $v :=`, if/else, with, pipelines, variables and trim markers.
constexpr const char* kNotificationTemplates = R"({{ define "__subject" -}}
[{{ .Status | toUpper }}{{ if eq .Status "alertstatus" }}:{{ len .GroupLabels }}{{ end }}]
{{- " " }}{{ template "__labels" .GroupLabels }}
{{- end }}
{{ define "__labels" }}{{ range $name, $value := . }}{{ $name }}={{ $value }} {{ end }}{{ end }}
{{ define "__url" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}

{{ define "chat.title" }}{{ template "__subject" . }}{{ end }}
{{ define "chat.text" }}{{ $receiver := .Receiver -}}
{{ if gt (len .GroupLabels) 0 -}}
Labels:
{{ range .GroupLabels }} - {{ . }}
{{ end }}
{{- else -}}
none
{{- end }}
{{ with .Receiver }}to {{ . }}{{ end }} as {{ $receiver }} via {{ template "__url" . }}
{{- end }}
)";

}  // namespace

// Go text/template sets; the expected strings are Go's, from amtool 0.25 (Go 1.19).
BOOST_AUTO_TEST_SUITE(template_sets)

BOOST_AUTO_TEST_CASE(templates_call_each_other_across_texts) {
    tmpl::TemplateSet set;
    set.add("a.tmpl", "{{ define \"greet\" }}hello {{ . }}{{ end }}");
    set.add("b.tmpl", "{{ define \"shout\" }}{{ template \"greet\" . }}!{{ end }}");
    BOOST_TEST(set.has("greet"));
    BOOST_TEST(set.has("shout"));
    BOOST_TEST(set.has("a.tmpl"));  // each text's top level is a template too
    BOOST_TEST(!set.has("nope"));
    BOOST_TEST(set.execute("shout", text("x"), {}) == "hello x!");
    BOOST_TEST(run(set, "[{{ template \"shout\" \"y\" }}]") == "[hello y!]");
    // A later text's definition replaces an earlier one; an empty one does not.
    set.add("c.tmpl", "{{ define \"greet\" }}hi {{ . }}{{ end }}");
    set.add("d.tmpl", "{{ define \"greet\" }}  {{ end }}");
    BOOST_TEST(set.execute("shout", text("x"), {}) == "hi x!");
    // An ad-hoc text may define templates for itself only.
    BOOST_TEST(run(set, "{{ define \"greet\" }}yo{{ end }}{{ template \"shout\" }}") == "yo!");
    BOOST_TEST(set.execute("shout", text("x"), {}) == "hi x!");
    BOOST_CHECK_THROW(set.execute("nope", {}, {}), TemplateError);
}

BOOST_AUTO_TEST_CASE(template_dot_and_variables) {
    tmpl::TemplateSet set;
    set.add("lib.tmpl",
            "{{ define \"a\" }}[{{ . }}]{{ end }}{{ define \"vars\" }}{{ $x := \"in\" }}{{ $x }}"
            "{{ $ }}{{ end }}");
    BOOST_TEST(run(set, "{{ template \"a\" }}") == "[<no value>]");
    BOOST_TEST(run(set, "{{ template \"a\" \"x\" | printf \"%s!\" }}") == "[x!]");
    BOOST_TEST(run(set, "{{ template \"a\" (printf \"%s-%s\" \"p\" \"q\") }}") == "[p-q]");
    BOOST_TEST(run(set, "{{ $x := \"out\" }}{{ template \"vars\" 1 }}{{ $x }}") == "in1out");
    BOOST_TEST(run(set, "{{ template \"a\" $y := \"declared\" }}{{ $y }}") == "[declared]declared");
    BOOST_TEST(
        run(set, "{{ block \"new\" \"d\" }}<{{ . }}>{{ end }}|{{ template \"new\" \"e\" }}") ==
        "<d>|<e>");
    BOOST_TEST(run(set, "{{ template \"a\" (urlquery \"a b&c/d?e=f~g_h.i-j\") }}") ==
               "[a+b%26c%2Fd%3Fe%3Df~g_h.i-j]");
}

BOOST_AUTO_TEST_CASE(output_is_bounded_against_billion_laughs) {
    // Each level calls the one below ten times: level 8 would write 10^9 bytes.
    std::string lib = "{{ define \"l0\" }}xxxxxxxxxx{{ end }}";
    for (int level = 1; level <= 8; ++level) {
        lib += "{{ define \"l" + std::to_string(level) + "\" }}";
        for (int i = 0; i < 10; ++i) lib += "{{ template \"l" + std::to_string(level - 1) + "\" }}";
        lib += "{{ end }}";
    }
    tmpl::TemplateSet set;
    set.add("laughs.tmpl", lib);
    BOOST_TEST(run(set, "{{ template \"l3\" }}").size() == 10'000u);
    auto bounded = run(set, "{{ template \"l8\" }}");
    BOOST_TEST(bounded.find("error: template: laughs.tmpl:") == 0u, bounded.substr(0, 200));
    BOOST_TEST(bounded.find("output larger than 4194304 bytes") != std::string::npos,
               bounded.substr(0, 200));
    tmpl::FunctionContext small{.max_output_bytes = 100};
    BOOST_CHECK_THROW(set.execute_text("{{ template \"l2\" }}", {}, small), TemplateError);
}

BOOST_AUTO_TEST_CASE(execution_errors_name_the_template_and_its_file) {
    tmpl::TemplateSet set;
    set.add("lib.tmpl",
            "{{ define \"outer\" }}{{ template \"inner\" . }}{{ end }}\n"
            "{{ define \"inner\" }}x{{ .Nope }}{{ end }}{{ define \"r\" }}{{ template \"r\" . }}{{ "
            "end }}");
    BOOST_TEST(
        run(set, "{{ template \"outer\" \"s\" }}") ==
        "error: template: lib.tmpl:2:24: executing \"inner\" at <.Nope>: can't evaluate field "
        "Nope in type string");
    BOOST_TEST(
        run(set, "{{template \"x\" .}}") ==
        "error: template: :1:11: executing \"\" at <{{template \"x\" .}}>: template \"x\" not "
        "defined");
    BOOST_TEST(run(set, "ab\n  {{ template   \"x\"   .Status }}") ==
               "error: template: :2:16: executing \"\" at <{{template \"x\" .Status}}>: template "
               "\"x\" not defined");
    BOOST_TEST(run(set, "{{ template \"x\" }}") ==
               "error: template: :1:12: executing \"\" at <{{template \"x\"}}>: template \"x\" not "
               "defined");
    // Go stops at 100000 nested calls, we at 100.
    BOOST_TEST(
        run(set, "{{ template \"r\" }}") ==
        "error: template: lib.tmpl:2:69: executing \"r\" at <{{template \"r\" .}}>: exceeded "
        "maximum template depth (100)");
}

BOOST_AUTO_TEST_CASE(parse_errors_are_gos) {
    BOOST_TEST(parse_error("{{ define \"x\" }}a{{ end }}\n{{ define \"x\" }}b{{ end }}") ==
               "template: t:2: template: multiple definition of template \"x\"");
    BOOST_TEST(parse_error("{{ define \"t\" }}a{{ end }}b\n") ==
               "template: t:2: template: multiple definition of template \"t\"");
    BOOST_TEST(parse_error("{{ define \"x\" }}a{{ end }}{{ define \"x\" }} {{ end }}") == "");
    BOOST_TEST(parse_error("{{ block \"x\" . }}y{{ end }}{{ block \"x\" . }}z{{ end }}") ==
               "template: t:1: template: multiple definition of template \"x\"");
    BOOST_TEST(parse_error("{{ if 1 }}{{ define \"x\" }}a{{ end }}{{ end }}") ==
               "template: t:1: unexpected <define> in command");
    BOOST_TEST(parse_error("{{ define \"x\" }}a{{ else }}b{{ end }}") ==
               "template: t:1: unexpected {{else}} in define clause");
    BOOST_TEST(parse_error("{{ define \"x\" }}a") == "template: t:1: unexpected EOF");
    BOOST_TEST(parse_error("{{ define x }}{{ end }}") ==
               "template: t:1: unexpected \"x\" in define clause");
    BOOST_TEST(parse_error("{{ template . }}") ==
               "template: t:1: unexpected <.> in template clause");
    BOOST_TEST(parse_error("{{ template 12345678901234 }}") ==
               "template: t:1: unexpected \"1234567890\"... in template clause");
    BOOST_TEST(parse_error("{{ block \"x\" }}a{{ end }}") ==
               "template: t:1: missing value for block clause");
    BOOST_TEST(parse_error("{{ block \"x\" . }}{{ else }}{{ end }}") ==
               "template: t:1: unexpected {{else}} in block clause");
    BOOST_TEST(parse_error("{{ $y := 1 }}{{ define \"x\" }}{{ $y }}{{ end }}") ==
               "template: t:1: undefined variable \"$y\"");
    BOOST_TEST(parse_error("{{ with $x := 1 }}{{ block \"b\" . }}{{ $x }}{{ end }}{{ end }}") ==
               "template: t:1: undefined variable \"$x\"");
    BOOST_TEST(parse_error("{{ break }}") == "template: t:1: {{break}} outside {{range}}");
    BOOST_TEST(parse_error("{{ range . }}{{ else }}{{ continue }}{{ end }}") ==
               "template: t:1: {{continue}} outside {{range}}");
    BOOST_TEST(parse_error("{{ range . }}{{ block \"q\" . }}{{ break }}{{ end }}{{ end }}") ==
               "template: t:1: {{break}} outside {{range}}");
    BOOST_TEST(parse_error("{{ range . }}{{ break 1 }}{{ end }}") ==
               "template: t:1: unexpected \"1\" in {{break}}");
    BOOST_TEST(parse_error("{{ if 1 }}{{ else }}{{ else }}{{ end }}") ==
               "template: t:1: expected end; found {{else}}");
    BOOST_TEST(parse_error("{{ else if 1 }}") == "template: t:1: unexpected {{else}}");
    BOOST_TEST(parse_error("{{ printf \"%s\" end }}") ==
               "template: t:1: unexpected <end> in operand");
    BOOST_TEST(parse_error("{{ 1 | | 2 }}") == "template: t:1: unexpected \"|\" in command");
    BOOST_TEST(parse_error("{{ 1 | }}") == "");  // Go accepts a trailing pipe
    BOOST_TEST(parse_error("{{ .X | \"a\" }}") ==
               "template: t:1: non executable command in pipeline stage 2");
    BOOST_TEST(parse_error("{{ (1 }}") == "template: t:1: unclosed left paren");
    BOOST_TEST(parse_error("{{ 1) }}") == "template: t:1: unexpected \")\" in command");
    BOOST_TEST(parse_error("{{ $a, $b := 1 }}") ==
               "template: t:1: too many declarations in command");
    BOOST_TEST(parse_error("{{ range $a, 1 }}{{ end }}") ==
               "template: t:1: range can only initialize variables");
}

BOOST_AUTO_TEST_CASE(notification_style_templates_parse_and_run) {
    tmpl::TemplateSet set;
    set.add("notify.tmpl", kNotificationTemplates);
    BOOST_TEST(run(set, "{{ template \"chat.title\" . }}|{{ template \"chat.text\" . }}|",
                   notification_data()) ==
               "[ALERTSTATUS:2] grouplabelkey1=grouplabelvalue1 grouplabelkey2=grouplabelvalue2 |"
               "Labels:\n - grouplabelvalue1\n - grouplabelvalue2\n\n"
               "to receiver as receiver via https://example.com/#/alerts?receiver=receiver|");
}

BOOST_AUTO_TEST_SUITE_END()

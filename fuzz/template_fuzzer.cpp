// Go templates, parsed and executed against fixed data with at most 64 KiB of output:
//   mode 0: a Prometheus alert label or annotation ($labels, $value, query, humanize, ...)
//   mode 1: an Alertmanager notification text (template.Data, ExecuteTextString)
//   mode 2: the same as HTML (ExecuteHTMLString, html/template's escaping)
// The first byte picks the mode. Parsing and execution fail with TemplateError.

#include "fuzz/fuzz_input.hpp"
#include "ruler/notify/templates.hpp"
#include "ruler/template/template.hpp"

namespace {

using namespace stackwatch;
using namespace stackwatch::tmpl;

constexpr const char* kAlertDefinitions =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

Value alert_data() {
    auto s = std::make_shared<Struct>();
    s->type_name =
        "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL "
        "string; Value float64 }";
    s->fields = {{"Labels", Value{StringMap{{"alertname", "HighLatency"}, {"instance", "a:9090"}}}},
                 {"ExternalLabels", Value{StringMap{{"cluster", "eu1"}}}},
                 {"ExternalURL", Value{std::string("http://ruler.example:19090")}},
                 {"Value", Value{0.4321}}};
    return Value{std::shared_ptr<const Struct>(std::move(s))};
}

notify::NotificationData notification() {
    notify::NotificationData data;
    data.receiver = "team-a";
    data.group_key = "{}:{alertname=\"HighLatency\"}";
    data.now = notify::TimePoint(std::chrono::seconds(1'700'000'000));
    data.external_url = "http://ruler.example:19090";
    data.group_labels = promql::Labels({{"alertname", "HighLatency"}});
    notify::Alert firing;
    firing.labels = promql::Labels(
        {{"alertname", "HighLatency"}, {"instance", "a:9090"}, {"severity", "page"}});
    firing.annotations = {{"summary", "p99 above 1s"}, {"runbook", "http://x/<b>&"}};
    firing.starts_at = data.now - std::chrono::minutes(5);
    firing.generator_url = "http://prometheus/graph?g0.expr=x";
    notify::Alert resolved = firing;
    resolved.labels = promql::Labels({{"alertname", "HighLatency"}, {"instance", "b:9090"}});
    resolved.ends_at = data.now - std::chrono::minutes(1);
    data.alerts = {firing, resolved};
    return data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Value alert = alert_data();
    static const Value am_data = notify::template_data(notification());
    // Alertmanager's default.tmpl and email.tmpl, which texts may call.
    static const TemplateSet am_set = notify::load_templates({});
    FunctionContext context{.query =
                                [](const std::string&) {
                                    return QueryResult{{{{"__name__", "up"}, {"job", "api"}}, 1},
                                                       {{{"__name__", "up"}, {"job", "web"}}, 0}};
                                },
                            .external_url = "http://ruler.example:19090",
                            .max_output_bytes = 64 << 10};
    auto [mode, text] = fuzz::split_mode(data, size, 3);
    try {
        switch (mode) {
            case 0:
                expand_template("__alert_Fuzz", kAlertDefinitions + std::string(text), alert,
                                context);
                break;
            case 1:
                am_set.execute_text(std::string(text), am_data, context);
                break;
            default:
                am_set.execute_html_text(std::string(text), am_data, context);
                break;
        }
    } catch (const TemplateError&) {
        // bad input, cleanly refused
    }
    return 0;
}

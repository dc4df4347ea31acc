#include "ruler/rules/alert_template.hpp"

namespace stackwatch::rules {
namespace {

using namespace tmpl;

// Prometheus prepends these so rule authors can write $labels instead of .Labels; error
// positions count them, which is why they are kept textually identical.
constexpr const char* kAlertDefinitions =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

constexpr const char* kAlertDataType =
    "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; "
    "Value float64 }";

Value alert_data_value(const AlertTemplateData& data) {
    auto s = std::make_shared<Struct>();
    s->type_name = kAlertDataType;
    s->fields = {{"Labels", Value{data.labels}},
                 {"ExternalLabels", Value{data.external_labels}},
                 {"ExternalURL", Value{data.external_url}},
                 {"Value", Value{data.value}}};
    return Value{std::shared_ptr<const Struct>(std::move(s))};
}

}  // namespace

void check_alert_template(const std::string& alert_name, const std::string& text) {
    TemplateSet().add("__alert_" + alert_name, kAlertDefinitions + text);
}

std::string expand_alert_template(const std::string& alert_name, const std::string& text,
                                  const AlertTemplateData& data, const QueryFunc& query) {
    FunctionContext context{.query = query, .external_url = data.external_url};
    try {
        return expand_template("__alert_" + alert_name, kAlertDefinitions + text,
                               alert_data_value(data), context);
    } catch (const TemplateError& e) {
        return std::string("<error expanding template: ") + e.what() + ">";
    }
}

}  // namespace stackwatch::rules

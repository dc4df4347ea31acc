#pragma once
// Alert label and annotation templates, expanded as Prometheus does: Go text/template syntax with
// $labels, $externalLabels, $externalURL and $value predefined and Prometheus's functions.

#include <map>
#include <stdexcept>
#include <string>

#include "ruler/rules/template_functions.hpp"
#include "ruler/rules/template_value.hpp"

namespace stackwatch::rules {

// "error parsing template NAME: ..." or "error executing template NAME: ...", as Prometheus says.
class TemplateError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct AlertTemplateData {
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> external_labels;
    std::string external_url;
    double value = 0;
};

// Expands `text` (named `name` in messages) with `data` as dot. Throws TemplateError.
std::string expand_template(const std::string& name, const std::string& text,
                            const tmpl::Value& data, const tmpl::FunctionContext& context);

// Parses an alert template as rule validation does; throws TemplateError with Go's parse message
// ("template: __alert_NAME:1: function \"x\" not defined").
void check_alert_template(const std::string& alert_name, const std::string& text);

// Expands one label or annotation of an alert. A broken template never drops the alert: the
// result is then "<error expanding template: ...>", as in Prometheus.
std::string expand_alert_template(const std::string& alert_name, const std::string& text,
                                  const AlertTemplateData& data, const tmpl::QueryFunc& query = {});

}  // namespace stackwatch::rules

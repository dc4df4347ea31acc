#pragma once
// Alert label and annotation templates, expanded as Prometheus does: Go text/template syntax with
// $labels, $externalLabels, $externalURL and $value predefined and Prometheus's functions.

#include <map>
#include <string>

#include "ruler/template/template.hpp"

namespace stackwatch::rules {

struct AlertTemplateData {
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> external_labels;
    std::string external_url;
    double value = 0;
};

// Parses an alert template as rule validation does; throws tmpl::TemplateError with Go's parse
// message ("template: __alert_NAME:1: function \"x\" not defined").
void check_alert_template(const std::string& alert_name, const std::string& text);

// Expands one label or annotation of an alert. A broken template never drops the alert: the
// result is then "<error expanding template: ...>", as in Prometheus.
std::string expand_alert_template(const std::string& alert_name, const std::string& text,
                                  const AlertTemplateData& data, const tmpl::QueryFunc& query = {});

}  // namespace stackwatch::rules

#pragma once
// Alertmanager's notification templates: its default templates and the `templates` globs of its
// configuration parsed into one set of named templates, as template.FromGlobs does, and the
// template.Data they execute with, for receivers to render their texts.

#include <string>
#include <vector>

#include "ruler/notify/notifier.hpp"
#include "ruler/template/template.hpp"

namespace stackwatch::notify {

// What Alertmanager 0.25's templates may call: Go's builtins and toUpper, toLower, title
// (cases.Title), join, match, safeHtml, reReplaceAll and stringSlice.
const tmpl::FunctionMap& alertmanager_functions();

// template.Data as templates see it (*template.Data): Receiver, Status, Alerts (with Firing and
// Resolved), GroupLabels, CommonLabels, CommonAnnotations (template.KV, with SortedPairs, Names,
// Values and Remove), ExternalURL; each alert's Status, Labels, Annotations, StartsAt and EndsAt
// (time.Time), GeneratorURL and Fingerprint. The same data as the webhook's message.
tmpl::Value template_data(const NotificationData& data);

// Alertmanager's default.tmpl and email.tmpl, then each glob expanded (one matching nothing is
// fine) and every file parsed into the set as the template named by its base name: a later
// definition replaces an earlier one. Throws std::runtime_error with Go's message: "syntax error
// in pattern", "open PATH: ...", or the parse error ("template: t.tmpl:2: unexpected EOF").
tmpl::TemplateSet load_templates(const std::vector<std::string>& globs);

// The templates receivers render with. Copies share the parsed templates.
class NotificationTemplates {
  public:
    // Alertmanager's default templates, then the configuration's globs. Throws as load_templates.
    static NotificationTemplates load(const std::vector<std::string>& globs);

    // ExecuteTextString: `text` (subjects, Slack fields, ...) with the data as dot; "" for "".
    // Throws tmpl::TemplateError with Go's message.
    std::string execute(const std::string& text, const NotificationData& data) const;
    // ExecuteHTMLString, for email bodies: html/template's contextual escaping (how far it
    // follows Go: ruler/template/html_output.hpp), so what actions print is escaped unless it
    // is safeHtml's. Throws tmpl::TemplateError with Go's message.
    std::string execute_html(const std::string& text, const NotificationData& data) const;

    // The same, but a failing template yields "error expanding template: <Go's message>" in
    // place of its text, so that the notification still goes out and says what broke.
    std::string execute_best_effort(const std::string& text, const NotificationData& data) const;
    std::string execute_html_best_effort(const std::string& text,
                                         const NotificationData& data) const;

  private:
    explicit NotificationTemplates(tmpl::TemplateSet set) : set_(std::move(set)) {}
    tmpl::TemplateSet set_;
};

}  // namespace stackwatch::notify

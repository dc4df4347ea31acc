#pragma once
// HTML escaping as Go's html.EscapeString does it, which Prometheus's templates (the ruler's
// `html` function) and our landing pages share.

#include <string>
#include <string_view>

namespace stackwatch {

// <, >, &, ' and " as &lt; &gt; &amp; &#39; &#34;.
std::string html_escape(std::string_view text);

}  // namespace stackwatch

// `sipconform selftest`: proves the suite fails a wrong implementation. sipref lists the
// deliberate mistakes it can make; each is run against the cases of the behaviours it breaks.
#include <boost/process.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "run/suite.h"
#include "target/profile.h"
#include "util/json.h"
#include "util/subprocess.h"

namespace sipconform {
namespace {

namespace bp = boost::process;

struct DeviationSpec {
  std::string name;
  std::vector<std::string> behaviours;
  std::string what;
};

std::vector<std::string> split(const std::string& text, char by) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, by);)
    if (!part.empty()) out.push_back(part);
  return out;
}

// `<command> --list-deviations`: "name TAB id,id TAB what" per line.
Result<std::vector<DeviationSpec>> list_deviations(const std::string& command) {
  bp::ipstream out;
  std::error_code ec;
  bp::child child(bp::exe = command, bp::args = std::vector<std::string>{"--list-deviations"},
                  bp::std_out > out, bp::std_err > bp::null, bp::std_in < bp::null, ec);
  if (ec) return fail("cannot run " + command + " --list-deviations: " + ec.message());
  std::vector<DeviationSpec> specs;
  for (std::string line; std::getline(out, line);) {
    auto fields = split(line, '\t');
    if (fields.size() == 3) specs.push_back({fields[0], split(fields[1], ','), fields[2]});
  }
  child.wait(ec);
  if (child.exit_code() != 0 || specs.empty())
    return fail(command + " --list-deviations listed nothing (exit " + std::to_string(child.exit_code()) + ")");
  return specs;
}

struct Outcome {
  std::vector<std::string> caught_by;  // FAIL cases that check a declared behaviour
  std::vector<std::string> wrong;      // FAIL or HARNESS_ERROR cases that check none of them
  std::size_t cases = 0;
  bool ok() const { return !caught_by.empty() && wrong.empty(); }
};

Result<Outcome> judge(const std::string& results_path, const DeviationSpec& spec) {
  std::ifstream in(results_path);
  if (!in) return fail("no results at " + results_path);
  std::stringstream text;
  text << in.rdbuf();
  auto results = parse_json(text.str());
  if (!results) return std::unexpected(results.error());
  Outcome outcome;
  const Json* cases = results->find("cases");
  if (!cases || !cases->is_array()) return fail(results_path + " has no cases");
  for (const auto& c : cases->as_array()) {
    ++outcome.cases;
    const std::string verdict = c.find("verdict")->as_string();
    const std::string id = c.find("id")->as_string();
    if (verdict != "FAIL" && verdict != "HARNESS_ERROR") continue;
    bool declared = false;
    for (const auto& b : c.find("behaviours")->as_array())
      declared |= std::find(spec.behaviours.begin(), spec.behaviours.end(), b.as_string()) != spec.behaviours.end();
    (declared && verdict == "FAIL" ? outcome.caught_by : outcome.wrong).push_back(id);
  }
  return outcome;
}

std::string join(const std::vector<std::string>& items, const char* by = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : by) + item;
  return out;
}

}  // namespace

int selftest_command(const RunOptions& base, const std::vector<std::string>& only) {
  auto profile = load_profile(base.target);
  if (!profile) return std::fprintf(stderr, "sipconform: %s\n", profile.error().message.c_str()), 2;
  if (!profile->managed) return std::fprintf(stderr, "sipconform: selftest needs a managed target profile\n"), 2;
  std::string command = base.target_command.value_or(profile->managed->command);
  if (!std::filesystem::path(command).is_absolute()) command = base.repo_root + "/" + command;
  auto specs = list_deviations(command);
  if (!specs) return std::fprintf(stderr, "sipconform: %s\n", specs.error().message.c_str()), 3;
  if (!only.empty())
    std::erase_if(*specs, [&](const DeviationSpec& s) { return std::find(only.begin(), only.end(), s.name) == only.end(); });
  if (specs->empty()) return std::fprintf(stderr, "sipconform: no such deviation\n"), 2;

  Json report = Json::array();
  bool all_ok = true;
  std::printf("%-28s %-5s %-5s %s\n", "deviation", "cases", "", "caught by");
  for (const auto& spec : *specs) {
    RunOptions options = base;
    options.filters = spec.behaviours;  // the cases of the behaviours it claims to break
    options.deviations = {spec.name};
    options.out = base.out + "/" + spec.name;
    options.quiet = true;
    options.expectations.reset();
    const int code = run_suite(options);
    auto outcome = judge(options.out + "/results.json", spec);
    const bool ok = code != 2 && outcome && outcome->ok();
    all_ok &= ok;
    std::printf("%-28s %-5zu %-5s %s%s\n", spec.name.c_str(), outcome ? outcome->cases : 0, ok ? "OK" : "BAD",
                outcome ? join(outcome->caught_by).c_str() : outcome.error().message.c_str(),
                outcome && !outcome->wrong.empty() ? ("; also failed: " + join(outcome->wrong)).c_str() : "");
    std::fflush(stdout);
    Json row = Json::object();
    row.set("deviation", spec.name);
    row.set("what", spec.what);
    Json breaks = Json::array();
    for (const auto& b : spec.behaviours) breaks.push_back(b);
    row.set("breaks", std::move(breaks));
    Json caught = Json::array();
    if (outcome)
      for (const auto& c : outcome->caught_by) caught.push_back(c);
    row.set("caught_by", std::move(caught));
    row.set("ok", ok);
    report.push_back(std::move(row));
  }
  std::filesystem::create_directories(base.out);
  std::ofstream(base.out + "/selftest.json") << report.dump(2) << "\n";
  std::printf("%s: %zu deviation(s); table in %s/selftest.json\n", all_ok ? "every deviation caught" : "NOT every deviation caught",
              specs->size(), base.out.c_str());
  return all_ok ? 0 : 1;
}

}  // namespace sipconform

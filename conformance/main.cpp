// sipconform command line: run | list | lint | coverage | merge | selftest | diff, each with --help.
// Exit codes: 0 all as expected, 1 unexpected result, 2 usage or config error, 3 harness error.
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/suite.h"

namespace {

using sipconform::RunOptions;

const std::map<std::string_view, std::string_view> kHelp = {
    {"", "usage: sipconform <command> [options]\n\n"
         "commands:\n"
         "  run       run the conformance suite against a target\n"
         "  list      list cases with the behaviour IDs they check\n"
         "  lint      check case files and the catalogue (exit 2 on errors)\n"
         "  coverage  per behaviour ID: cases, and the verdicts of a run\n"
         "  merge     combine shard reports into one\n"
         "  selftest  run sipref making each of its deliberate mistakes: every one must be caught\n"
         "  diff      compare two runs case by case: verdicts and masked message sequences\n\n"
         "`sipconform <command> --help` describes each. Exit codes: 0 all as expected, 1 unexpected\n"
         "result, 2 usage or config error, 3 harness error.\n"},
    {"run", "usage: sipconform run --target PROFILE [options]\n"
            "  --target FILE         target profile (fixtures/targets/*.yaml)\n"
            "  --filter GLOB         only cases whose ID or behaviour IDs match (repeatable)\n"
            "  --jobs N              cases run at once (default 1)\n"
            "  --shard I/N           run the I-th of N shards (1-based)\n"
            "  --strict              REF-level mismatches fail instead of PASS_NONSTRICT\n"
            "  --expectations FILE   known failures of this target\n"
            "  --update-expectations after the run, rewrite --expectations FILE to list exactly the cases\n"
            "                        that FAILed (removed: those that now PASS; cases not run stay); the\n"
            "                        exit code is still judged against the file as it was\n"
            "  --out DIR             report folder (default reports/latest)\n"
            "  --timeout-scale X     multiply every case timeout (slow targets)\n"
            "  --repo DIR            project root holding fixtures/ and sipp-scenarios/ (default .)\n"
            "  --target-command PATH the binary a managed profile starts (default: the profile's)\n"},
    {"list", "usage: sipconform list [--filter GLOB]... [--repo DIR]\n"},
    {"lint", "usage: sipconform lint [--full-coverage] [--repo DIR]\n"
             "  --full-coverage       a catalogue ID that no case names is an error\n"},
    {"coverage", "usage: sipconform coverage [--results reports/latest/results.json] [--repo DIR]\n"},
    {"merge", "usage: sipconform merge --out DIR SHARD_DIR...\n"},
    {"diff", "usage: sipconform diff A B [--filter GLOB]... [--out FILE.html] [--json FILE] [--time-order]\n"
             "  A, B                  report folders of two runs (each with results.json)\n"
             "  --filter GLOB         only cases whose ID or behaviour IDs match (repeatable)\n"
             "  --out FILE.html       also write the diff as a page\n"
             "  --json FILE           also write the diff as JSON\n"
             "  --time-order          compare the merged timeline's order (racy: concurrent streams\n"
             "                        interleave differently from run to run)\n"
             "Per case: the verdicts, and the sequence of SIP messages, webhook requests and REST steps\n"
             "with tags, branches, Call-IDs, SIDs, addresses and times masked (retransmissions dropped),\n"
             "each stream (a direction between the target and a party, a webhook path, the REST steps) in\n"
             "its own order, aligned with an LCS diff (\"- only in A\", \"+ only in B\").\n"
             "Exit 0 when nothing differs, 1 when something does, 2 on usage errors.\n"},
    {"selftest", "usage: sipconform selftest --target PROFILE [options]\n"
                 "  --target FILE         a managed profile (sipref); it is told one mistake at a time\n"
                 "  --deviation NAME      only this deviation (repeatable; default: every one sipref lists)\n"
                 "  --jobs N              cases run at once (default 1)\n"
                 "  --out DIR             report folder (default reports/selftest)\n"
                 "  --timeout-scale X     multiply every case timeout\n"
                 "  --repo DIR            project root (default .)\n"
                 "  --target-command PATH the sipref binary (default: the profile's)\n"
                 "Each deviation runs the cases of the behaviours it breaks; it must make at least one of\n"
                 "them FAIL and no case of another behaviour. Exit 0 when every deviation is caught.\n"},
};

int usage(std::string_view command, const std::string& problem = {}) {
  auto help = kHelp.at(command);
  if (problem.empty()) {
    std::fwrite(help.data(), 1, help.size(), stdout);
    return 0;
  }
  std::fprintf(stderr, "sipconform %s: %s\n%.*s", std::string(command).c_str(), problem.c_str(),
               static_cast<int>(help.size()), help.data());
  return 2;
}

// Options of every command: flags with values, boolean flags and positional arguments.
struct Parsed {
  std::map<std::string, std::vector<std::string>> values;
  std::vector<std::string> flags;
  std::vector<std::string> positional;
  bool has(const std::string& flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
  }
  std::optional<std::string> one(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
};

std::optional<Parsed> parse(int argc, char** argv, const std::vector<std::string>& with_value,
                            const std::vector<std::string>& booleans, std::string& problem) {
  Parsed parsed;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (std::find(with_value.begin(), with_value.end(), arg) != with_value.end()) {
      if (i + 1 >= argc) return problem = arg + " needs a value", std::nullopt;
      parsed.values[arg].push_back(argv[++i]);
    } else if (std::find(booleans.begin(), booleans.end(), arg) != booleans.end()) {
      parsed.flags.push_back(arg);
    } else if (arg.starts_with("--")) {
      return problem = "unknown option " + arg, std::nullopt;
    } else {
      parsed.positional.push_back(arg);
    }
  }
  return parsed;
}

std::optional<int> positive_int(const std::string& text) {
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 1 || value > 1000) return std::nullopt;
  return static_cast<int>(value);
}

std::optional<double> timeout_scale(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || value < 0.1 || value > 100) return std::nullopt;
  return value;
}

int command_run(int argc, char** argv) {
  std::string problem;
  auto p = parse(argc, argv,
                 {"--target", "--filter", "--jobs", "--shard", "--expectations", "--out", "--timeout-scale", "--repo",
                  "--target-command"},
                 {"--strict", "--update-expectations", "--help"}, problem);
  if (!p) return usage("run", problem);
  if (p->has("--help")) return usage("run");
  if (!p->positional.empty()) return usage("run", "unexpected argument " + p->positional.front());
  RunOptions options;
  if (!p->one("--target")) return usage("run", "--target is required");
  options.target = *p->one("--target");
  if (auto f = p->values.find("--filter"); f != p->values.end()) options.filters = f->second;
  if (auto jobs = p->one("--jobs")) {
    auto n = positive_int(*jobs);
    if (!n) return usage("run", "--jobs takes a whole number from 1 to 1000");
    options.jobs = *n;
  }
  if (auto shard = p->one("--shard")) {
    auto slash = shard->find('/');
    auto i = slash == std::string::npos ? std::nullopt : positive_int(shard->substr(0, slash));
    auto n = slash == std::string::npos ? std::nullopt : positive_int(shard->substr(slash + 1));
    if (!i || !n || *i > *n) return usage("run", "--shard takes I/N with 1 <= I <= N");
    options.shard_index = *i;
    options.shard_count = *n;
  }
  options.strict = p->has("--strict");
  options.expectations = p->one("--expectations");
  options.update_expectations = p->has("--update-expectations");
  if (options.update_expectations && !options.expectations)
    return usage("run", "--update-expectations needs --expectations FILE");
  if (auto out = p->one("--out")) options.out = *out;
  if (auto scale = p->one("--timeout-scale")) {
    auto x = timeout_scale(*scale);
    if (!x) return usage("run", "--timeout-scale takes a number from 0.1 to 100");
    options.timeout_scale = *x;
  }
  if (auto repo = p->one("--repo")) options.repo_root = *repo;
  options.target_command = p->one("--target-command");
  return sipconform::run_suite(options);
}

int command_selftest(int argc, char** argv) {
  std::string problem;
  auto p = parse(argc, argv, {"--target", "--deviation", "--jobs", "--out", "--timeout-scale", "--repo", "--target-command"},
                 {"--help"}, problem);
  if (!p) return usage("selftest", problem);
  if (p->has("--help")) return usage("selftest");
  if (!p->positional.empty()) return usage("selftest", "unexpected argument " + p->positional.front());
  RunOptions options;
  if (!p->one("--target")) return usage("selftest", "--target is required");
  options.target = *p->one("--target");
  if (auto jobs = p->one("--jobs")) {
    auto n = positive_int(*jobs);
    if (!n) return usage("selftest", "--jobs takes a whole number from 1 to 1000");
    options.jobs = *n;
  }
  options.out = p->one("--out").value_or("reports/selftest");
  if (auto scale = p->one("--timeout-scale")) {
    auto x = timeout_scale(*scale);
    if (!x) return usage("selftest", "--timeout-scale takes a number from 0.1 to 100");
    options.timeout_scale = *x;
  }
  options.repo_root = std::filesystem::absolute(p->one("--repo").value_or(".")).lexically_normal().string();
  options.out = std::filesystem::absolute(options.out).lexically_normal().string();
  options.target_command = p->one("--target-command");
  auto only = p->values.find("--deviation");
  return sipconform::selftest_command(options, only == p->values.end() ? std::vector<std::string>{} : only->second);
}

int command_diff(int argc, char** argv) {
  std::string problem;
  auto p = parse(argc, argv, {"--filter", "--out", "--json"}, {"--help", "--time-order"}, problem);
  if (!p) return usage("diff", problem);
  if (p->has("--help")) return usage("diff");
  if (p->positional.size() != 2) return usage("diff", "name two report folders, A and B");
  sipconform::DiffOptions options;
  options.a = p->positional[0];
  options.b = p->positional[1];
  if (auto f = p->values.find("--filter"); f != p->values.end()) options.filters = f->second;
  options.html = p->one("--out");
  options.json = p->one("--json");
  options.time_order = p->has("--time-order");
  return sipconform::diff_command(options);
}

int command_simple(std::string_view command, int argc, char** argv) {
  std::string problem;
  auto p = parse(argc, argv, {"--filter", "--repo", "--results", "--out"}, {"--help", "--full-coverage"}, problem);
  if (!p) return usage(command, problem);
  if (p->has("--help")) return usage(command);
  const std::string repo = p->one("--repo").value_or(".");
  if (command == "list") {
    auto f = p->values.find("--filter");
    return sipconform::list_command(repo, f == p->values.end() ? std::vector<std::string>{} : f->second);
  }
  if (command == "lint") return sipconform::lint_command(repo, p->has("--full-coverage"));
  if (command == "coverage") return sipconform::coverage_command(repo, p->one("--results"));
  if (!p->one("--out")) return usage(command, "--out is required");
  if (p->positional.empty()) return usage(command, "name at least one shard report folder");
  return sipconform::merge_command(p->positional, *p->one("--out"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("", "no command given");
  std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") return usage("");
  if (command == "run") return command_run(argc, argv);
  if (command == "selftest") return command_selftest(argc, argv);
  if (command == "diff") return command_diff(argc, argv);
  if (kHelp.contains(command) && !command.empty()) return command_simple(command, argc, argv);
  return usage("", "unknown command '" + std::string(command) + "'");
}

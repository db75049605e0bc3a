#include "wsspec/reports/merge.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace wsspec::reports {

report merge(const std::vector<report>& parts, const std::vector<std::string>& order) {
  std::unordered_map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < order.size(); ++i) rank.try_emplace(order[i], i);

  report out;
  std::unordered_map<std::string, std::size_t> agent_index;
  std::vector<std::unordered_set<std::string>> seen;
  for (const auto& part : parts) {
    for (const auto& a : part.agents) {
      auto [it, fresh] = agent_index.try_emplace(a.info.agent, out.agents.size());
      if (fresh) {
        agent_report ar;
        ar.info = a.info;
        ar.info.shard.clear();
        out.agents.push_back(std::move(ar));
        seen.emplace_back();
      }
      auto& into = out.agents[it->second];
      for (const auto& r : a.results) {
        if (!seen[it->second].insert(r.id).second)
          throw std::runtime_error("agent '" + a.info.agent + "' has two results for case " + r.id);
        into.results.push_back(r);
      }
    }
  }
  // Known ids by catalogue rank; unknown ones after, keeping the order they were met in.
  for (auto& a : out.agents) {
    std::stable_sort(a.results.begin(), a.results.end(),
                     [&](const harness::case_result& x, const harness::case_result& y) {
                       const auto rx = rank.find(x.id), ry = rank.find(y.id);
                       const std::size_t kx = rx == rank.end() ? order.size() : rx->second;
                       const std::size_t ky = ry == rank.end() ? order.size() : ry->second;
                       return kx < ky;
                     });
  }
  return out;
}

}  // namespace wsspec::reports

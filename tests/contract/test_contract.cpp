// The hardware/software contract has one definition per side: tern_pkg (RTL) and golden/contract.hpp
// (C++, plus the weight-type and decompressor-error enums). Every constant, Verilated from the package,
// equals the C++ constant of the same name.
#include <gtest/gtest.h>

#include <memory>

#include "contract_items.hpp"
#include "verilated.h"

namespace {

TEST(Contract, PackageEqualsHeader) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<Vpkg_dump>(ctx.get(), "top");
  m->eval();
  const auto items = tern::test::contract_items();
  ASSERT_GT(items.size(), 80u);
  for (const auto& it : items) EXPECT_EQ(it.rtl(*m), it.cpp) << it.name;
  m->final();
}

}  // namespace

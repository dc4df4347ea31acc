#pragma once
// Elementary functions computed as Go's math package computes them on amd64, so that PromQL's
// exp(), ln(), log2(), log10(), the trigonometric and hyperbolic functions and their inverses,
// and the ^ and atan2 operators give Prometheus's results to the last bit; glibc's
// versions are more accurate in places and so differ in the last digit, which promtool's exact
// comparisons of unit tests notice. The algorithms (Go's amd64 assembly for Exp and Log, which
// takes its fused multiply-add path on CPUs with AVX and FMA as Go does; Cephes's and Hart &
// Cheney's approximations for the others) are described in go_math.cpp.

namespace stackwatch::promql::go_math {

double exp(double x);
double log(double x);
double log2(double x);
double log10(double x);
double atan(double x);
double atan2(double y, double x);
double asin(double x);
double acos(double x);
double sinh(double x);
double cosh(double x);
double tanh(double x);
double pow(double x, double y);
double sin(double x);
double cos(double x);
double tan(double x);
double log1p(double x);
double asinh(double x);
double acosh(double x);
double atanh(double x);

}  // namespace stackwatch::promql::go_math

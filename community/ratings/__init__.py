"""Ratings and credit: mutual buyer/seller ratings on completed orders, store ratings, and
the credit levels they add up to."""

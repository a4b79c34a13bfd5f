VACUUM "User";
